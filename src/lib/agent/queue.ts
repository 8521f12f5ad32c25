/**
 * Queueing from a page (window side): check the item with the kind's schema, keep it in the
 * outbox under the logged-in agent, and ask for it to be sent (now, and by Background Sync when
 * the phone is back online).
 */
import { enqueue, resend } from './outbox';
import { registerBackgroundSync, requestSync } from './runner.svelte';
import { fieldErrors, itemSchemas, type ItemKind } from './schemas';
import type { OutboxItem } from './store';

export type Queued =
	| { ok: true; item: OutboxItem }
	| { ok: false; errors: Record<string, string> }
	| { ok: false; gone: true };

export async function queueItem(
	owner: string,
	kind: ItemKind,
	input: Record<string, unknown>,
	/** The item being fixed (needs attention): it keeps its id and its place. */
	editing?: string
): Promise<Queued> {
	const parsed = itemSchemas[kind].safeParse(input);
	if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
	const data = parsed.data as Record<string, unknown>;
	let item: OutboxItem;
	if (editing) {
		const updated = await resend(owner, editing, data);
		if (!updated) return { ok: false, gone: true };
		item = updated;
	} else item = await enqueue(owner, kind, data);
	void registerBackgroundSync();
	void requestSync(true);
	return { ok: true, item };
}
