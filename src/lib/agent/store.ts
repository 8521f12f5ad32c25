/**
 * The agent phone's own database (IndexedDB through `idb`): the outbox of registrations and cash
 * taken in the field, and the last copy of GET /agent/data per user. Browser-safe and DOM-free:
 * the service worker opens it too.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ValidityUnit } from '$lib/vocabulary';
import type { ItemKind } from './schemas';

export type ItemState = 'waiting' | 'sending' | 'synced' | 'needs-attention';

/** What the server answered for a synced item. */
export type ItemResult =
	| { kind: 'register'; subscriberId: string; accountNumber: string }
	| { kind: 'cash'; subscriberId: string; paymentId: string; receipt: string };

export interface OutboxItem {
	/** Made on the phone (crypto.randomUUID); the server's idempotency key. */
	id: string;
	/** The user logged in when it was queued: it is only ever sent while that user is logged in. */
	owner: string;
	kind: ItemKind;
	/** As the form produced it (checked with the kind's schema before queueing). */
	data: Record<string, unknown>;
	queuedAt: string;
	/** The queue's order, kept through edits. */
	seq: number;
	state: ItemState;
	result?: ItemResult;
	/** Why it needs attention (the server's sentence), and per field. */
	reason?: string;
	errors?: Record<string, string>;
	/** Why the last attempt did not get an answer (no network, server error); the item still waits. */
	lastError?: string;
	attempts: number;
	/** Epoch ms: not tried again before this, unless the phone just came back online. */
	nextAttemptAt: number;
	syncedAt?: string;
}

/** GET /agent/data as the contract says, kept per user for offline use. */
export interface OfflineData {
	user: { id: string; name: string; role: string };
	tenant: { name: string; agentsTakeCash: boolean };
	packages: {
		id: string;
		name: string;
		kind: 'hotspot' | 'pppoe';
		priceKes: number;
		validityUnit: ValidityUnit;
		validityCount: number;
	}[];
	routers: { id: string; name: string }[];
	subscribers: {
		id: string;
		accountNumber: string;
		name: string;
		phone: string;
		status: string;
		packageName: string | null;
		expiresAt: string | null;
	}[];
	today: { registrations: number; payments: number; cashKes: number };
	syncedAt: string;
}

interface AgentDb extends DBSchema {
	outbox: {
		key: string;
		value: OutboxItem;
		indexes: { byOwnerSeq: [string, number] };
	};
	offline: { key: string; value: OfflineData & { userId: string } };
}

export const DB_NAME = 'mtandao-agent';
let opening: Promise<IDBPDatabase<AgentDb>> | null = null;

export function agentDb(): Promise<IDBPDatabase<AgentDb>> {
	opening ??= openDB<AgentDb>(DB_NAME, 1, {
		upgrade(db) {
			const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
			outbox.createIndex('byOwnerSeq', ['owner', 'seq']);
			db.createObjectStore('offline', { keyPath: 'userId' });
		},
		// Another tab upgrading the database: let it, and open again next time.
		blocking() {
			void opening?.then((db) => db.close());
			opening = null;
		}
	});
	return opening;
}

/** Outbox and sync changes are told to every tab and the service worker alike. */
export const CHANGES_CHANNEL = 'agent-outbox';

const listeners = new Set<() => void>();

export function announceChange(): void {
	for (const listener of listeners) listener();
	if (typeof BroadcastChannel === 'undefined') return;
	const channel = new BroadcastChannel(CHANGES_CHANNEL);
	channel.postMessage({ type: 'changed' });
	channel.close();
}

/** Calls `listener` after each change here or in another tab or the worker; returns the stop. */
export function onChange(listener: () => void): () => void {
	listeners.add(listener);
	const channel =
		typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANGES_CHANNEL);
	if (channel) channel.onmessage = () => listener();
	return () => {
		listeners.delete(listener);
		channel?.close();
	};
}
