/**
 * What an item's handler throws to refuse it: the answer the phone gets. Thrown inside the item's
 * transaction, so whatever the item did before it was refused rolls back and nothing is kept.
 */
import type { Role } from '../db/schema';
import type { SyncResult } from '$lib/agent/schemas';

/** Who sends the items: the signed-in staff member and their tenant, from the session only. */
export interface SyncStaff {
	id: string;
	name: string;
	role: Role;
	tenantId: string;
	ip?: string;
}

export type Rejected = Extract<SyncResult, { status: 'rejected' }>;
export type Synced = Exclude<SyncResult, { status: 'rejected' }>;

export class ItemRefused extends Error {
	constructor(readonly result: Rejected) {
		super(result.message);
	}
}

export function refuse(id: string, message: string, errors: Record<string, string> = {}): never {
	throw new ItemRefused({ id, status: 'rejected', message, errors });
}
