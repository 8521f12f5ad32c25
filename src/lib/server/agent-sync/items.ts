/**
 * POST /agent/sync: what an agent's phone queued offline, applied item by item. Each item runs in
 * a transaction of its own, so one bad item never holds back the others, and its id (a UUID the
 * phone made when it queued the item) is an idempotency key: the result is stored in the same
 * transaction as the effect, and a replay gets the first result back. A refused item leaves
 * nothing behind, so the agent may correct it and send the same id again.
 */
import { and, eq, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { agentSyncItems } from '../db/schema';
import { logError } from '../logging/safe-error';
import { isUuid } from '$lib/uuid';
import { m } from '$lib/paraglide/messages';
import type { SyncResult } from '$lib/agent/schemas';
import { applyRegistration } from './registration';
import { applyCash } from './cash';
import { ItemRefused, refuse, type SyncStaff, type Synced } from './item-refused';

export type { SyncStaff };

/** The id as the phone sent it, for the answer (never longer than a UUID's text). */
function echoedId(raw: unknown): string {
	const id = (raw as { id?: unknown } | null)?.id;
	return typeof id === 'string' ? id.slice(0, 36) : '';
}

/** Applies the items in order and answers one result per item, in the same order. */
export async function syncItems(staff: SyncStaff, items: unknown[]): Promise<SyncResult[]> {
	const results: SyncResult[] = [];
	for (const item of items) results.push(await syncItem(staff, item));
	return results;
}

async function syncItem(staff: SyncStaff, raw: unknown): Promise<SyncResult> {
	const id = echoedId(raw);
	const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
	if (!isUuid(id))
		return {
			id,
			status: 'rejected',
			message: m.sync_item_id_invalid(),
			errors: { id: m.sync_item_id_invalid() }
		};
	const kind = item.kind;
	if (kind !== 'register' && kind !== 'cash')
		return {
			id,
			status: 'rejected',
			message: m.sync_item_kind_unknown(),
			errors: { kind: m.sync_item_kind_unknown() }
		};
	const key = id.toLowerCase();
	const queuedAt = typeof item.queuedAt === 'string' ? item.queuedAt.slice(0, 40) : null;
	try {
		return await withTenant(staff.tenantId, async (tx): Promise<SyncResult> => {
			const earlier = await lockItem(tx, staff.tenantId, key);
			if (earlier) {
				// The same id from someone else: refused, and nothing about the first item is said.
				if (earlier.userId !== staff.id || earlier.kind !== kind)
					refuse(id, m.sync_item_id_taken(), { id: m.sync_item_id_taken() });
				return { ...(earlier.result as Synced), id };
			}
			const result =
				kind === 'register'
					? await applyRegistration(tx, staff, id, item.data, queuedAt)
					: await applyCash(tx, staff, id, item.data);
			const { id: _, ...stored } = result;
			await tx.insert(agentSyncItems).values({
				tenantId: staff.tenantId,
				id: key,
				userId: staff.id,
				kind,
				result: stored
			});
			return result;
		});
	} catch (error) {
		if (error instanceof ItemRefused) return error.result;
		// One item the server cannot apply must not stop the rest: it waits on the phone instead.
		logError(`[agent-sync] item ${key} (${kind})`, error);
		return { id, status: 'rejected', message: m.sync_item_failed(), errors: {} };
	}
}

/**
 * Holds the item's id until the transaction ends (so the same id sent five times at once is
 * applied once, the others waiting here and then finding it), and returns what it became if it
 * was applied before.
 */
async function lockItem(tx: Tx, tenantId: string, key: string) {
	await tx.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`agent-sync:${tenantId}:${key}`}, 0))`
	);
	const [row] = await tx
		.select()
		.from(agentSyncItems)
		.where(and(eq(agentSyncItems.tenantId, tenantId), eq(agentSyncItems.id, key)));
	return row;
}
