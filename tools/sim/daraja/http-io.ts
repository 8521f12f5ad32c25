/** Reading requests, writing answers and calling merchants back, with Node's own http modules. */
import http from 'node:http';
import https from 'node:https';
import { invalidField } from './errors';

const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(invalidField('JSON'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Daraja bodies are JSON objects; anything else is the gateway's generic 400.002.02. */
export function parseJsonObject(text: string): Record<string, unknown> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw invalidField('JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw invalidField('JSON');
	return value as Record<string, unknown>;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text)
	});
	res.end(text);
}

export interface PostResult {
	/** HTTP status of the merchant's answer; null when there was none (refused, timed out). */
	status: number | null;
	responseBody: string;
	error?: string;
	timedOut: boolean;
}

/**
 * POSTs JSON the way Safaricom's callback sender does: one attempt, no retry, no signature.
 * Never throws: an unreachable merchant is an outcome to record, not a simulator failure.
 * `agent: false` gives every call its own connection, so nothing keeps sockets open after a test.
 */
export function postJson(url: string, body: unknown, timeoutMs: number): Promise<PostResult> {
	return new Promise((resolve) => {
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			resolve({ status: null, responseBody: '', error: 'invalid URL', timedOut: false });
			return;
		}
		const payload = JSON.stringify(body);
		const client = target.protocol === 'https:' ? https : http;
		let settled = false;
		// A deadline on the whole exchange, not on socket idleness: Safaricom gives a validation
		// URL about 8 s in total, however slowly the bytes trickle in.
		const deadline = setTimeout(() => {
			finish({ status: null, responseBody: '', error: 'timeout', timedOut: true });
			req.destroy();
		}, timeoutMs);
		const finish = (result: PostResult): void => {
			if (settled) return;
			settled = true;
			clearTimeout(deadline);
			resolve(result);
		};
		const req = client.request(
			target,
			{
				method: 'POST',
				agent: false,
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': Buffer.byteLength(payload),
					'User-Agent': 'daraja-sim'
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () =>
					finish({
						status: res.statusCode ?? null,
						responseBody: Buffer.concat(chunks).toString('utf8'),
						timedOut: false
					})
				);
				res.on('error', (error) =>
					finish({
						status: res.statusCode ?? null,
						responseBody: '',
						error: error.message,
						timedOut: false
					})
				);
			}
		);
		req.on('error', (error) =>
			finish({ status: null, responseBody: '', error: error.message, timedOut: false })
		);
		req.end(payload);
	});
}
