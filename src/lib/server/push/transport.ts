/**
 * The HTTP request to a push service. web-push encrypts the message and signs the VAPID header
 * (generateRequestDetails); this sends it, because the endpoint is user input: it is checked again
 * here (endpoint.ts), the connection goes to the address that was checked (a name that resolves
 * elsewhere the second time gets nowhere), and the answer is read only up to a few kilobytes and
 * a few seconds, so a hostile endpoint can neither reach our network nor hold the sender.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkEndpoint, type EndpointCheck } from './endpoint';

export interface PushRequest {
	endpoint: string;
	method: string;
	headers: Record<string, string | number>;
	body: Buffer | null;
}

const MAX_ANSWER_BYTES = 4096;

export async function postToPushService(
	push: PushRequest,
	options: EndpointCheck & { timeoutMs?: number } = {}
): Promise<{ status: number; body: string }> {
	const { url, address } = await checkEndpoint(push.endpoint, options);
	// Every lookup answers with the address already checked.
	const pinned = ((_host, lookupOptions, callback) => {
		if ((lookupOptions as { all?: boolean }).all)
			(callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
				{ address: address.address, family: address.family }
			]);
		else callback(null, address.address, address.family);
	}) as LookupFunction;
	const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const req = send(
			url,
			{
				method: push.method,
				headers: push.headers,
				lookup: pinned,
				agent: false,
				timeout: options.timeoutMs ?? 10_000
			},
			(res: IncomingMessage) => {
				const chunks: Buffer[] = [];
				let size = 0;
				res.on('data', (chunk: Buffer) => {
					if (size >= MAX_ANSWER_BYTES) return void res.destroy();
					size += chunk.length;
					chunks.push(chunk);
				});
				const done = () =>
					resolve({
						status: res.statusCode ?? 0,
						body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES)
					});
				res.on('end', done);
				res.on('close', done);
				res.on('error', done);
			}
		);
		req.on('timeout', () => req.destroy(new Error('push service timed out')));
		req.on('error', reject);
		req.end(push.body ?? undefined);
	});
}
