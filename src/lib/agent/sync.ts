/**
 * Sends the outbox to POST /agent/sync (contract: issue 14), in order and in batches, and keeps
 * what the server answered. No DOM here: the service worker may run it when no window is open.
 *
 * An item is only ever sent while the user who queued it is logged in: each run first asks the
 * server who this is (GET /agent/data, which also refreshes the offline copy). Logged out or
 * someone else: those items wait for their owner's next login.
 */
import { m } from '$lib/paraglide/messages';
import { backoffMs, firstBatch, jsonBytes } from './batches';
import { ownerRange } from './outbox';
import type { SyncRequestItem, SyncResult } from './schemas';
import { agentDb, announceChange, type OfflineData, type OutboxItem } from './store';

export type SyncReport =
	| { outcome: 'done'; userId: string; synced: number; rejected: number }
	| { outcome: 'logged-out' | 'offline' | 'busy' }
	/** Nothing sent now: the queue waits until `retryAt` (epoch ms) after failures. */
	| { outcome: 'waiting'; userId: string; retryAt: number }
	/** A request failed (no network, server error): the rest waits until `retryAt`. */
	| { outcome: 'failed'; userId: string; retryAt: number; synced: number; rejected: number };

export type Fetch = typeof fetch;

/** Synced items are kept this long for the agent to look back at, then forgotten. */
const KEEP_SYNCED_MS = 3 * 24 * 3600_000;

/**
 * The logged-in user's offline data, fresh from the server and kept for offline use; or why not.
 */
export async function refreshOfflineData(
	fetcher: Fetch = fetch
): Promise<{ ok: true; data: OfflineData } | { ok: false; outcome: 'logged-out' | 'offline' }> {
	let response: Response;
	try {
		response = await fetcher('/agent/data', {
			headers: { accept: 'application/json' },
			cache: 'no-store',
			credentials: 'same-origin'
		});
	} catch {
		return { ok: false, outcome: 'offline' };
	}
	if (response.status === 401 || response.status === 403 || response.redirected)
		return { ok: false, outcome: 'logged-out' };
	if (!response.ok) return { ok: false, outcome: 'offline' };
	const data = (await response.json()) as OfflineData;
	await (await agentDb()).put('offline', { ...data, userId: data.user.id });
	announceChange();
	return { ok: true, data };
}

/** One sync at a time on this phone, across tabs and the service worker. */
async function exclusively<T>(run: () => Promise<T>, busy: T): Promise<T> {
	// Windows and workers both have the Web Locks API (`navigator.locks`).
	const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
	if (!locks) return run();
	return locks.request('agent-outbox-sync', { ifAvailable: true }, (lock) =>
		lock ? run() : busy
	) as Promise<T>;
}

/**
 * Sends what waits. `force` ignores the backoff (the phone just came back online, the app just
 * started, the agent queued something).
 */
export function syncOutbox(options: { force?: boolean; fetch?: Fetch } = {}): Promise<SyncReport> {
	return exclusively(() => run(options.force ?? false, options.fetch ?? fetch), {
		outcome: 'busy'
	} as const);
}

async function run(force: boolean, fetcher: Fetch): Promise<SyncReport> {
	const who = await refreshOfflineData(fetcher);
	if (!who.ok) return { outcome: who.outcome };
	const userId = who.data.user.id;
	await forgetOldSynced(userId);
	let synced = 0;
	let rejected = 0;
	for (;;) {
		const pending = await sendable(userId);
		if (!pending.length) break;
		if (!force && pending[0]!.nextAttemptAt > Date.now())
			return { outcome: 'waiting', userId, retryAt: pending[0]!.nextAttemptAt };
		const batch = firstBatch(pending, (item) => jsonBytes(wire(item)));
		const answer = await send(batch, fetcher);
		const counts = await keepResults(batch, answer.results);
		synced += counts.synced;
		rejected += counts.rejected;
		const unanswered = batch.filter((item) => !answer.results.has(item.id));
		if (answer.stop === 'logged-out') {
			await settle(unanswered.map((item) => ({ ...item, state: 'waiting' })));
			return { outcome: 'logged-out' };
		}
		if (unanswered.length) {
			// No answer (no network, a server error, or items the server left out): they wait.
			const stop = answer.stop;
			const retryAt = await failed(
				unanswered,
				stop?.message ?? m.outbox_server_error(),
				stop?.notBefore
			);
			return { outcome: 'failed', userId, retryAt, synced, rejected };
		}
	}
	if (synced) await refreshOfflineData(fetcher);
	return { outcome: 'done', userId, synced, rejected };
}

/** This user's items that may go now, in order. */
async function sendable(userId: string): Promise<OutboxItem[]> {
	const all = await (await agentDb()).getAllFromIndex('outbox', 'byOwnerSeq', ownerRange(userId));
	const attention = new Set(
		all.filter((item) => item.state === 'needs-attention').map((item) => item.id)
	);
	return all.filter(
		(item) =>
			(item.state === 'waiting' || item.state === 'sending') &&
			// Cash for a registration that needs fixing waits for it: sent now it would only be refused.
			!(item.kind === 'cash' && attention.has(String(item.data.subscriberRef)))
	);
}

function wire(item: OutboxItem): SyncRequestItem {
	return {
		id: item.id,
		kind: item.kind,
		queuedAt: item.queuedAt,
		data: item.data
	} as SyncRequestItem;
}

/** The answers the server gave, and why it stopped answering if it did. */
interface Answer {
	results: Map<string, SyncResult>;
	/** `notBefore`: the server asked the phone to wait until then (429 with Retry-After). */
	stop?: 'logged-out' | { message: string; notBefore?: number };
}

/** One request; a batch the server finds too large is split, and an item too large alone refused. */
async function send(batch: OutboxItem[], fetcher: Fetch): Promise<Answer> {
	await settle(batch.map((item) => ({ ...item, state: 'sending' })));
	let response: Response;
	try {
		response = await fetcher('/agent/sync', {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			credentials: 'same-origin',
			body: JSON.stringify({ items: batch.map(wire) })
		});
	} catch {
		return { results: new Map(), stop: { message: m.outbox_no_connection() } };
	}
	if (response.status === 401) return { results: new Map(), stop: 'logged-out' };
	if (response.status === 413) {
		if (batch.length === 1) {
			const { id } = batch[0]!;
			const refused: SyncResult = { id, status: 'rejected', message: m.outbox_too_large() };
			return { results: new Map([[id, refused]]) };
		}
		const half = Math.ceil(batch.length / 2);
		const first = await send(batch.slice(0, half), fetcher);
		if (first.stop) return first;
		const second = await send(batch.slice(half), fetcher);
		return { results: new Map([...first.results, ...second.results]), stop: second.stop };
	}
	const body = (await response.json().catch(() => null)) as {
		results?: SyncResult[];
		message?: string;
	} | null;
	if (!response.ok || !Array.isArray(body?.results)) {
		const message = body?.message ?? m.outbox_server_error();
		const waitSeconds = Number(response.headers.get('retry-after'));
		const notBefore =
			response.status === 429 && waitSeconds > 0 ? Date.now() + waitSeconds * 1000 : undefined;
		return { results: new Map(), stop: { message, notBefore } };
	}
	const mine = new Set(batch.map((item) => item.id));
	return { results: new Map(body.results.filter((r) => mine.has(r.id)).map((r) => [r.id, r])) };
}

async function settle(items: OutboxItem[]): Promise<void> {
	const db = await agentDb();
	const tx = db.transaction('outbox', 'readwrite');
	for (const item of items) {
		// The agent may have discarded it meanwhile (only a needs-attention item, never one in flight).
		if (await tx.store.getKey(item.id)) await tx.store.put(item);
	}
	await tx.done;
	announceChange();
}

async function failed(batch: OutboxItem[], message: string, notBefore = 0): Promise<number> {
	const attempts = Math.max(...batch.map((item) => item.attempts)) + 1;
	const retryAt = Math.max(Date.now() + backoffMs(attempts), notBefore);
	await settle(
		batch.map((item) => ({
			...item,
			state: 'waiting',
			attempts,
			nextAttemptAt: retryAt,
			lastError: message
		}))
	);
	return retryAt;
}

async function keepResults(
	batch: OutboxItem[],
	results: Map<string, SyncResult>
): Promise<{ synced: number; rejected: number }> {
	let synced = 0;
	let rejected = 0;
	const now = new Date().toISOString();
	const answered = batch.filter((item) => results.has(item.id));
	if (!answered.length) return { synced, rejected };
	const updated = answered.map((item): OutboxItem => {
		const result = results.get(item.id)!;
		const base = { ...item, lastError: undefined, reason: undefined, errors: undefined };
		if (result.status === 'synced') {
			synced++;
			return {
				...base,
				state: 'synced',
				syncedAt: now,
				result:
					result.kind === 'register'
						? {
								kind: 'register',
								subscriberId: result.subscriberId,
								accountNumber: result.accountNumber
							}
						: {
								kind: 'cash',
								subscriberId: result.subscriberId,
								paymentId: result.paymentId,
								receipt: result.receipt
							}
			};
		}
		rejected++;
		return { ...base, state: 'needs-attention', reason: result.message, errors: result.errors };
	});
	await settle(updated);
	return { synced, rejected };
}

async function forgetOldSynced(userId: string): Promise<void> {
	const db = await agentDb();
	const tx = db.transaction('outbox', 'readwrite');
	const before = Date.now() - KEEP_SYNCED_MS;
	for await (const cursor of tx.store.index('byOwnerSeq').iterate(ownerRange(userId))) {
		const item = cursor.value;
		if (item.state === 'synced' && item.syncedAt && Date.parse(item.syncedAt) < before)
			await cursor.delete();
	}
	await tx.done;
}
