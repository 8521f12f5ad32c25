/**
 * OAuth tokens for one client instance. Daraja tokens live an hour; we renew a minute early, and
 * callers arriving together share one request (a new token may void the previous one, so two
 * parallel fetches could knock each other out).
 */
import { DarajaUnavailable } from './errors';

export interface CachedToken {
	value: string;
	expiresAt: number;
}

const RENEW_EARLY_MS = 60_000;

export class TokenCache {
	private readonly tokens = new Map<string, CachedToken>();
	private readonly inFlight = new Map<string, Promise<CachedToken>>();

	constructor(
		private readonly fetchToken: () => Promise<{ accessToken: string; expiresInSeconds: number }>,
		private readonly now: () => number = Date.now
	) {}

	async get(key: string): Promise<string> {
		const cached = this.tokens.get(key);
		if (cached && cached.expiresAt - RENEW_EARLY_MS > this.now()) return cached.value;
		return (await this.renew(key)).value;
	}

	/** Fetches a new token, sharing a request already under way. */
	renew(key: string): Promise<CachedToken> {
		const pending = this.inFlight.get(key);
		if (pending) return pending;
		const request = this.fetchToken()
			.then(({ accessToken, expiresInSeconds }) => {
				const token = { value: accessToken, expiresAt: this.now() + expiresInSeconds * 1000 };
				this.tokens.set(key, token);
				return token;
			})
			.finally(() => this.inFlight.delete(key));
		this.inFlight.set(key, request);
		return request;
	}

	/** Forgets `token` if it is still the cached one (another caller may already have renewed). */
	invalidate(key: string, token: string): void {
		if (this.tokens.get(key)?.value === token) this.tokens.delete(key);
	}
}

/** `expires_in` is a string in real answers and a number in the portal's sample. */
export function readTokenAnswer(body: Record<string, unknown>): {
	accessToken: string;
	expiresInSeconds: number;
} {
	const accessToken = body.access_token;
	const expiresIn = Number(body.expires_in);
	if (typeof accessToken !== 'string' || !accessToken || !Number.isFinite(expiresIn)) {
		throw new DarajaUnavailable('http', 200, 'token answer without access_token or expires_in');
	}
	return { accessToken, expiresInSeconds: expiresIn };
}
