/**
 * OAuth client-credentials tokens as Daraja's gateway issues them. Every API call is checked
 * against this store before its body is even read, like the real gateway does.
 */
import { invalidAccessToken, invalidAuthentication, invalidGrantType } from './errors';
import { accessToken } from './ids';

export interface TokenStoreOptions {
	/** Lifetime of a token. Daraja's is one hour minus a second: expires_in "3599". */
	ttlMs: number;
	/** When set, only this key/secret pair gets tokens; otherwise any non-empty pair does. */
	consumerKey?: string;
	consumerSecret?: string;
	/** A new token for a key voids the key's previous one (PROTOCOLS.md: unconfirmed, so optional). */
	rotate: boolean;
	/** HTTP status that goes with errorCode 404.001.03. */
	invalidTokenStatus: number;
	now: () => Date;
}

export interface IssuedToken {
	access_token: string;
	/** A string in real answers (the portal's sample shows a number). */
	expires_in: string;
}

interface TokenRecord {
	consumerKey: string;
	expiresAt: number;
}

export class TokenStore {
	private readonly tokens = new Map<string, TokenRecord>();
	private readonly latestByKey = new Map<string, string>();

	constructor(private readonly options: TokenStoreOptions) {}

	issue(grantType: string | null, authorization: string | undefined): IssuedToken {
		if (grantType !== 'client_credentials') throw invalidGrantType();
		const consumerKey = this.authenticate(authorization);
		if (this.options.rotate) {
			const previous = this.latestByKey.get(consumerKey);
			if (previous) this.tokens.delete(previous);
		}
		const token = accessToken();
		this.tokens.set(token, { consumerKey, expiresAt: this.nowMs() + this.options.ttlMs });
		this.latestByKey.set(consumerKey, token);
		return {
			access_token: token,
			expires_in: String(Math.max(0, Math.floor(this.options.ttlMs / 1000)))
		};
	}

	/** Throws 404.001.03 unless the header carries a live token of this store. */
	verify(authorization: string | undefined): void {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
		const record = match?.[1] ? this.tokens.get(match[1]) : undefined;
		if (!record || record.expiresAt <= this.nowMs()) {
			throw invalidAccessToken(this.options.invalidTokenStatus);
		}
	}

	/** Every token issued so far stops working, as after an hour has passed. */
	expireAll(): void {
		this.tokens.clear();
		this.latestByKey.clear();
	}

	private authenticate(authorization: string | undefined): string {
		const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
		if (!match?.[1]) throw invalidAuthentication();
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		const key = colon > 0 ? decoded.slice(0, colon) : '';
		const secret = colon > 0 ? decoded.slice(colon + 1) : '';
		if (!key || !secret) throw invalidAuthentication();
		const { consumerKey, consumerSecret } = this.options;
		if (consumerKey !== undefined && key !== consumerKey) throw invalidAuthentication();
		if (consumerSecret !== undefined && secret !== consumerSecret) throw invalidAuthentication();
		return key;
	}

	private nowMs(): number {
		return this.options.now().getTime();
	}
}
