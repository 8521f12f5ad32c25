/**
 * The envelope of a POST /agent/sync: JSON `{ "items": [...] }`, at most SYNC_MAX_ITEMS items and
 * SYNC_MAX_BYTES bytes. The body is read up to the limit and no further, whatever Content-Length
 * says (or leaves unsaid). The items themselves are checked one by one (items.ts), so one bad item
 * is that item's answer, not the request's.
 */
import { readTextLimited } from '../http/body';
import { SYNC_MAX_BYTES, SYNC_MAX_ITEMS } from '$lib/agent/schemas';
import { m } from '$lib/paraglide/messages';

export type SyncEnvelope =
	{ ok: true; items: unknown[] } | { ok: false; status: 400 | 413 | 415; message: string };

const tooLarge = () =>
	({
		ok: false,
		status: 413,
		message: m.sync_too_large({ items: SYNC_MAX_ITEMS, kb: SYNC_MAX_BYTES / 1024 })
	}) as const;

export async function readSyncEnvelope(request: Request): Promise<SyncEnvelope> {
	const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
	// Only JSON: a page on another site can post a form or text/plain without asking, but not JSON.
	if (type !== 'application/json') return { ok: false, status: 415, message: m.sync_bad_request() };
	if (Number(request.headers.get('content-length') ?? '0') > SYNC_MAX_BYTES) return tooLarge();
	let body;
	try {
		body = await readTextLimited(request, SYNC_MAX_BYTES);
	} catch (error) {
		// adapter-node's own BODY_SIZE_LIMIT may stop the stream first.
		if ((error as { status?: number }).status === 413) return tooLarge();
		throw error;
	}
	if (!body.ok) return tooLarge();
	let parsed: unknown;
	try {
		parsed = JSON.parse(body.text);
	} catch {
		return { ok: false, status: 400, message: m.sync_bad_request() };
	}
	const items = (parsed as { items?: unknown } | null)?.items;
	if (!Array.isArray(items)) return { ok: false, status: 400, message: m.sync_bad_request() };
	if (items.length > SYNC_MAX_ITEMS) return tooLarge();
	return { ok: true, items };
}
