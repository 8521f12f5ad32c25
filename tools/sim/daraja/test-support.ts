/**
 * Helpers for the simulator's own specs: a merchant-side HTTP receiver for callbacks and
 * small wrappers to call Daraja over real HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX } from './merchants';
import type { DarajaSim } from './server';
import { StateSignal } from './wait';

export interface Received {
	path: string;
	body: unknown;
	at: number;
}

export interface MerchantAnswer {
	status?: number;
	body?: unknown;
	/** Answer this late, to test Safaricom's deadlines. */
	delayMs?: number;
}

export interface Receiver {
	url: string;
	received: Received[];
	/** Sets how `path` answers; by default 200 `{"ResultCode":0,"ResultDesc":"Accepted"}`. */
	answer(path: string, answer: MerchantAnswer): void;
	on(path: string): Received[];
	waitFor(path: string, count: number, timeoutMs?: number): Promise<Received[]>;
	close(): Promise<void>;
}

/** A stand-in for the merchant's server that records every POST. */
export async function startReceiver(): Promise<Receiver> {
	const received: Received[] = [];
	const answers = new Map<string, MerchantAnswer>();
	const changed = new StateSignal();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const path = req.url ?? '/';
			const text = Buffer.concat(chunks).toString('utf8');
			received.push({ path, body: text ? (JSON.parse(text) as unknown) : null, at: Date.now() });
			changed.notify();
			const answer = answers.get(path) ?? {};
			setTimeout(() => {
				if (res.destroyed) return;
				res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(answer.body ?? { ResultCode: 0, ResultDesc: 'Accepted' }));
			}, answer.delayMs ?? 0);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const on = (path: string): Received[] => received.filter((r) => r.path === path);
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		answer: (path, answer) => answers.set(path, answer),
		on,
		waitFor: (path, count, timeoutMs = 3000) =>
			changed.until(
				() => (on(path).length >= count ? on(path) : undefined),
				timeoutMs,
				`${count} POSTs to ${path}`
			),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

export interface DarajaAnswer {
	status: number;
	/** Loosely typed on purpose: specs read whichever Daraja fields they assert on. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
}

export async function getToken(
	sim: DarajaSim,
	key = 'test-key',
	secret = 'test-secret'
): Promise<string> {
	const res = await fetch(`${sim.url}/oauth/v1/generate?grant_type=client_credentials`, {
		headers: { Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` }
	});
	const body = (await res.json()) as { access_token: string };
	return body.access_token;
}

/** POSTs to Daraja; `body` may be a ready string to send malformed JSON. */
export async function post(
	sim: DarajaSim,
	path: string,
	body: unknown,
	token?: string
): Promise<DarajaAnswer> {
	const res = await fetch(`${sim.url}${path}`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			...(token ? { Authorization: `Bearer ${token}` } : {})
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	return { status: res.status, body: await res.json() };
}

export const STK_PUSH_PATH = '/mpesa/stkpush/v1/processrequest';
export const STK_QUERY_PATH = '/mpesa/stkpushquery/v1/query';
export const STK_CALLBACK_PATH = '/hooks/stk/tenant-token';

/** A valid STK push for the sandbox shortcode, signed now; override any field. */
export function stkPushBody(
	sim: DarajaSim,
	receiver: Receiver,
	overrides: Record<string, unknown> = {}
): Record<string, unknown> {
	return {
		...sim.credentials(),
		TransactionType: 'CustomerPayBillOnline',
		Amount: 10,
		PartyA: SANDBOX.msisdn,
		PartyB: SANDBOX.shortcode,
		PhoneNumber: SANDBOX.msisdn,
		CallBackURL: `${receiver.url}${STK_CALLBACK_PATH}`,
		AccountReference: 'ACC1001',
		TransactionDesc: 'Internet',
		...overrides
	};
}

export function stkQueryBody(sim: DarajaSim, checkoutRequestId: string): Record<string, unknown> {
	return { ...sim.credentials(), CheckoutRequestID: checkoutRequestId };
}
