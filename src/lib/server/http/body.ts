/** Bodies larger than this are refused before anything reads them. Callbacks and forms are small. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a body (a request's, or the answer from a server we called) as text, refusing more than
 * `max` bytes even when no Content-Length says so; the rest is never read.
 */
export async function readTextLimited(
	message: Pick<Request, 'body'>,
	max: number
): Promise<{ ok: true; text: string } | { ok: false }> {
	if (!message.body) return { ok: true, text: '' };
	const reader = message.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > max) {
			await reader.cancel().catch(() => undefined);
			return { ok: false };
		}
		chunks.push(value);
	}
	return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
