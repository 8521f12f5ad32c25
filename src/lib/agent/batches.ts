/**
 * How the outbox is cut into requests and how long it waits after a failed one: plain functions,
 * tested without a browser.
 */
import { SYNC_MAX_BYTES, SYNC_MAX_ITEMS } from './schemas';

const encoder = new TextEncoder();

/** The bytes `{"items":[a,b,…]}` takes: the envelope, each item, the commas. */
const ENVELOPE_BYTES = encoder.encode('{"items":[]}').length;

export function jsonBytes(value: unknown): number {
	return encoder.encode(JSON.stringify(value)).length;
}

/**
 * The first request's items, in order: as many as fit in SYNC_MAX_ITEMS and SYNC_MAX_BYTES. An
 * item too large to fit even alone is sent alone (the server says whether it takes it).
 */
export function firstBatch<T>(
	items: readonly T[],
	size: (item: T) => number,
	limits = { items: SYNC_MAX_ITEMS, bytes: SYNC_MAX_BYTES }
): T[] {
	const batch: T[] = [];
	let bytes = ENVELOPE_BYTES;
	for (const item of items) {
		if (batch.length === limits.items) break;
		const more = size(item) + (batch.length ? 1 : 0);
		if (batch.length && bytes + more > limits.bytes) break;
		batch.push(item);
		bytes += more;
		if (bytes > limits.bytes) break;
	}
	return batch;
}

const FIRST_RETRY_MS = 2_000;
const LONGEST_WAIT_MS = 5 * 60_000;

/**
 * How long to wait after the `attempts`-th failure in a row: 2 s, 4 s, 8 s… up to 5 minutes, each
 * within ±20% (`random` in [0, 1)) so that phones coming back together do not all ask at once.
 */
export function backoffMs(attempts: number, random: number = Math.random()): number {
	const plain = Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
	return Math.round(plain * (0.8 + 0.4 * random));
}
