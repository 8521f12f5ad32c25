/**
 * One HTTP exchange with Daraja, turned into parsed JSON or a typed error, plus the back-off
 * Daraja asks for when its gateway is busy.
 */
import { withoutControlCharacters } from '$lib/text';
import { readTextLimited } from '../http/body';
import { baseUrlAllowed, DarajaBaseUrlRefused } from './base-url';
import { DarajaAuthFailed, DarajaRejected, DarajaUnavailable } from './errors';

export interface DarajaRequest {
	method: 'GET' | 'POST';
	path: string;
	authorization: string;
	body?: unknown;
}

export interface TransportOptions {
	baseUrl: string;
	timeoutMs: number;
	fetch: typeof fetch;
}

export type JsonObject = Record<string, unknown>;

const AUTH_CODES = new Set(['400.008.01', '400.008.02']);

/** Daraja's answers are a few hundred bytes; a larger one is not Daraja's, and is not read further. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export async function sendDarajaRequest(
	options: TransportOptions,
	request: DarajaRequest
): Promise<JsonObject> {
	// Safaricom's own, or a base URL the server configuration allows; never one a tenant typed.
	if (!baseUrlAllowed(options.baseUrl)) throw new DarajaBaseUrlRefused();
	const url = new URL(request.path, options.baseUrl);
	let response: Response;
	let text: string;
	try {
		response = await options.fetch(url, {
			// A redirect is not followed: it could lead anywhere, with our credentials.
			redirect: 'manual',
			method: request.method,
			headers: {
				Authorization: request.authorization,
				Accept: 'application/json',
				...(request.body === undefined ? {} : { 'Content-Type': 'application/json' })
			},
			body: request.body === undefined ? undefined : JSON.stringify(request.body),
			signal: AbortSignal.timeout(options.timeoutMs)
		});
		if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
			void response.body?.cancel().catch(() => undefined);
			throw new DarajaUnavailable('http', response.status || undefined, 'redirect not followed');
		}
		text = await readCapped(response, MAX_ANSWER_BYTES);
	} catch (error) {
		if (error instanceof DarajaUnavailable) throw error;
		throw toUnavailable(error);
	}

	const body = parseJsonObject(text);
	const isOauth = request.path.startsWith('/oauth/');
	const errorCode = typeof body?.errorCode === 'string' ? remoteCode(body.errorCode) : undefined;
	if (errorCode) {
		const errorMessage =
			typeof body?.errorMessage === 'string' ? remoteText(body.errorMessage) : '';
		if (AUTH_CODES.has(errorCode))
			throw new DarajaAuthFailed(errorCode, errorMessage, response.status);
		const requestId =
			typeof body?.requestId === 'string' ? remoteText(body.requestId, 64) : undefined;
		throw new DarajaRejected(errorCode, errorMessage, response.status, requestId);
	}
	if (!response.ok) {
		if (response.status >= 500) throw new DarajaUnavailable('http', response.status);
		// The real gateway sometimes answers a wrong key/secret with a bare 400 or 401.
		if (isOauth && (response.status === 400 || response.status === 401)) {
			throw new DarajaAuthFailed(
				`http.${response.status}`,
				'Authentication refused',
				response.status
			);
		}
		throw new DarajaRejected(
			`http.${response.status}`,
			remoteText(response.statusText) || 'HTTP error',
			response.status
		);
	}
	if (!body) throw new DarajaUnavailable('http', response.status, 'answer was not a JSON object');
	return body;
}

/** The body as text, or DarajaUnavailable once it passes `max` bytes (the rest is not read). */
async function readCapped(response: Response, max: number): Promise<string> {
	const declared = Number(response.headers.get('content-length') ?? '');
	const body = declared > max ? { ok: false as const } : await readTextLimited(response, max);
	if (!body.ok) {
		void response.body?.cancel().catch(() => undefined);
		throw new DarajaUnavailable('http', response.status, 'answer too large');
	}
	return body.text;
}

/**
 * Text from the remote side, for our logs and our own checks only (it is never shown to a manager
 * as is): control characters out, length capped.
 */
export function remoteText(text: string, max = 300): string {
	return withoutControlCharacters(text).slice(0, max);
}

/** Daraja's error codes look like 500.001.1001 or C2B00012; anything else is not one. */
function remoteCode(code: string): string | undefined {
	if (!code) return undefined;
	return /^[A-Za-z0-9.]{1,24}$/.test(code) ? code : 'unknown';
}

function parseJsonObject(text: string): JsonObject | null {
	if (!text.trim()) return null;
	try {
		const value: unknown = JSON.parse(text);
		return value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as JsonObject)
			: null;
	} catch {
		return null;
	}
}

function toUnavailable(error: unknown): DarajaUnavailable {
	const name = error instanceof Error ? error.name : '';
	if (name === 'TimeoutError' || name === 'AbortError') return new DarajaUnavailable('timeout');
	// Only the error's class and cause code: fetch messages can echo the URL, never a secret, but
	// keep them short anyway.
	const cause =
		error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
	const code = typeof cause?.code === 'string' ? cause.code : undefined;
	return new DarajaUnavailable('network', undefined, code);
}

export interface BackoffOptions {
	/** Retries after the first attempt. Default 3. */
	retries?: number;
	/** First delay; doubles each retry. Default 500 ms. */
	baseDelayMs?: number;
	/** Ceiling for one delay. Default 8000 ms. */
	maxDelayMs?: number;
}

/**
 * Retries `500.003.02` (system busy / spike arrest) with exponential back-off and jitter; jitter
 * keeps many tenants' workers from hammering the gateway in step. Other errors pass through.
 */
export async function withBusyBackoff<T>(
	operation: () => Promise<T>,
	options: BackoffOptions = {}
): Promise<T> {
	const retries = options.retries ?? 3;
	const base = options.baseDelayMs ?? 500;
	const max = options.maxDelayMs ?? 8000;
	for (let attempt = 0; ; attempt++) {
		try {
			return await operation();
		} catch (error) {
			if (!(error instanceof DarajaRejected) || !error.isBusy || attempt >= retries) throw error;
			const ceiling = Math.min(max, base * 2 ** attempt);
			await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
		}
	}
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
