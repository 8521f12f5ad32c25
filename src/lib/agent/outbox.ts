/**
 * The outbox: what the agent took in the field, kept on the phone until the server has it. Nothing
 * leaves it but by the server's answer (synced) or the agent's own discard.
 */
import { agentDb, announceChange, type OfflineData, type OutboxItem } from './store';
import type { ItemKind } from './schemas';

/** Queues an item for `owner` (the logged-in user) and returns it. */
export async function enqueue(
	owner: string,
	kind: ItemKind,
	data: Record<string, unknown>,
	id: string = crypto.randomUUID()
): Promise<OutboxItem> {
	const db = await agentDb();
	const tx = db.transaction('outbox', 'readwrite');
	// This owner's newest item gives the next place in the queue.
	const last = await tx.store.index('byOwnerSeq').openCursor(ownerRange(owner), 'prev');
	const seq = last?.value.seq ?? 0;
	const item: OutboxItem = {
		id,
		owner,
		kind,
		data,
		queuedAt: new Date().toISOString(),
		seq: seq + 1,
		state: 'waiting',
		attempts: 0,
		nextAttemptAt: 0
	};
	await tx.store.add(item);
	await tx.done;
	announceChange();
	return item;
}

/** This user's items, in queue order. */
export async function listItems(owner: string): Promise<OutboxItem[]> {
	const db = await agentDb();
	return db.getAllFromIndex('outbox', 'byOwnerSeq', ownerRange(owner));
}

export function ownerRange(owner: string): IDBKeyRange {
	return IDBKeyRange.bound([owner, -Infinity], [owner, Infinity]);
}

export async function getItem(owner: string, id: string): Promise<OutboxItem | undefined> {
	const item = await (await agentDb()).get('outbox', id);
	return item?.owner === owner ? item : undefined;
}

/**
 * A corrected item goes back in the queue with the same id and place: the server stored nothing
 * for a refused item, so the id is still free, and a synced one is never edited.
 */
export async function resend(
	owner: string,
	id: string,
	data: Record<string, unknown>
): Promise<OutboxItem | null> {
	const db = await agentDb();
	const tx = db.transaction('outbox', 'readwrite');
	const item = await tx.store.get(id);
	if (!item || item.owner !== owner || item.state !== 'needs-attention') {
		await tx.done;
		return null;
	}
	const updated: OutboxItem = {
		...item,
		data,
		state: 'waiting',
		reason: undefined,
		errors: undefined,
		lastError: undefined,
		attempts: 0,
		nextAttemptAt: 0
	};
	await tx.store.put(updated);
	await tx.done;
	announceChange();
	return updated;
}

/** The agent's own discard of an item that needs attention (never one that may still be sent). */
export async function discard(owner: string, id: string): Promise<boolean> {
	const db = await agentDb();
	const tx = db.transaction('outbox', 'readwrite');
	const item = await tx.store.get(id);
	const allowed = item?.owner === owner && item.state === 'needs-attention';
	if (allowed) await tx.store.delete(id);
	await tx.done;
	if (allowed) announceChange();
	return allowed;
}

/** The last GET /agent/data kept for this user, if any. */
export async function offlineData(userId: string): Promise<OfflineData | undefined> {
	return (await agentDb()).get('offline', userId);
}

export async function keepOfflineData(data: OfflineData): Promise<void> {
	await (await agentDb()).put('offline', { ...data, userId: data.user.id });
	announceChange();
}
