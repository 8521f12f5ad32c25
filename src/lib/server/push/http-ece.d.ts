/** http_ece (RFC 8188) has no types of its own; the tests decrypt what web-push sent with it. */
declare module 'http_ece' {
	import type { ECDH } from 'node:crypto';
	export function decrypt(
		buffer: Buffer,
		params: { version: 'aes128gcm'; privateKey: ECDH; authSecret: string }
	): Buffer;
}
