/** Shared bits for the mpesa specs: a counting (real) fetch and a tiny callback receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Real fetch that records which Daraja paths were called. */
export function recordingFetch(): { fetch: typeof fetch; paths: string[] } {
	const paths: string[] = [];
	const wrapped: typeof fetch = (input, init) => {
		const url = input instanceof Request ? input.url : String(input);
		paths.push(new URL(url).pathname);
		return fetch(input, init);
	};
	return { fetch: wrapped, paths };
}

export interface CallbackReceiver {
	url: string;
	bodies: unknown[];
	/** Resolves with the first body (already received or still to come) that matches. */
	waitFor(match: (body: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
	close(): Promise<void>;
}

/** Receives Safaricom's callbacks on 127.0.0.1 like our public route would. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
	const bodies: unknown[] = [];
	const listeners = new Set<(body: unknown) => void>();
	const server: Server = createServer((request, response) => {
		let raw = '';
		request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
		request.on('end', () => {
			const body: unknown = JSON.parse(raw || 'null');
			bodies.push(body);
			for (const listener of listeners) listener(body);
			response.writeHead(200, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify({ ResultCode: 0, ResultDesc: 'Success' }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		bodies,
		waitFor(match, timeoutMs = 5_000) {
			const seen = bodies.find(match);
			if (seen !== undefined) return Promise.resolve(seen);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					listeners.delete(listener);
					reject(new Error('no matching callback arrived'));
				}, timeoutMs);
				const listener = (body: unknown) => {
					if (!match(body)) return;
					clearTimeout(timer);
					listeners.delete(listener);
					resolve(body);
				};
				listeners.add(listener);
			});
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
