/**
 * The app's only door to a MikroTik: node-routeros (patched, see node-routeros-patches.ts)
 * behind a wrapper that always settles. Every command either resolves with its `!re` items or
 * rejects with a typed error; none waits forever on a dead socket.
 *
 *   await withRouter(target, (api) => ensureUser(api, 'hotspot', user));
 *
 * Connections are cached per router id and reused (commands are tagged, so concurrent callers
 * share one socket); a failed connection is dropped from the cache and the next call
 * reconnects. Changing a router's host, port, user or password gets a new connection.
 */
import { createHash } from 'node:crypto';
import { RouterOSAPI } from 'node-routeros';
import {
	RouterCommandFailed,
	RouterUnreachable,
	closedBeforeLogin,
	connectFailure,
	connectionLost,
	scrubSecrets,
	type RouterAddress
} from './errors';
import {
	applyNodeRouterosPatches,
	destroyConnection,
	limitReplies,
	pinCertificate
} from './node-routeros-patches';
import type { ReplyLimits } from './reply-reader';
import { config } from '../../config';
import { RouterAddressRefused, assertConnectedTo, checkRouterTarget } from '../router-address';

export {
	RouterCertificateChanged,
	RouterCommandFailed,
	RouterLoginFailed,
	RouterReplyTooLarge,
	RouterReplyTooSlow,
	RouterUnreachable,
	isRouterFailure,
	type RouterFailure,
	type UnreachableReason
} from './errors';

applyNodeRouterosPatches();

export interface RouterTarget {
	id: string;
	host: string;
	port: number;
	/** api-ssl. RouterOS certificates are self-signed: no CA check, the fingerprint is pinned instead. */
	tls: boolean;
	user: string;
	password: string;
	/** Connect timeout, per-command timeout and idle lifetime of a cached connection. */
	timeoutMs?: number;
	/**
	 * api-ssl: the SHA-256 fingerprint (`AB:CD:…`) of the router's trusted certificate. A router
	 * presenting another is refused before login (RouterCertificateChanged). Null: not pinned yet.
	 */
	tlsFingerprint?: string | null;
	/** What a reply may hold (defaults: ROUTER_MAX_* settings, see reply-reader.ts). */
	replyLimits?: Partial<ReplyLimits>;
}

/** The configured reply limits: a hostile router must not be able to stall or exhaust the server. */
export function configuredReplyLimits(): ReplyLimits {
	const cfg = config();
	return {
		maxWordBytes: cfg.ROUTER_MAX_WORD_BYTES,
		maxSentenceWords: cfg.ROUTER_MAX_SENTENCE_WORDS,
		maxReplyBytes: cfg.ROUTER_MAX_REPLY_BYTES,
		sentenceTimeoutMs: cfg.ROUTER_SENTENCE_TIMEOUT_MS
	};
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** One `!re` item of a reply: RouterOS sends every value as text. */
export type RouterReply = Record<string, string>;

export interface CommandOptions {
	/** Overrides the target's timeout for a command known to be slow (a full print). */
	timeoutMs?: number;
}

/** What the provisioning operations need from a connection. */
export interface RouterApi {
	readonly routerId: string;
	write(
		command: string,
		words?: readonly string[],
		options?: CommandOptions
	): Promise<RouterReply[]>;
}

interface PendingCommand {
	reject(error: Error): void;
	timer: NodeJS.Timeout;
}

export class RouterConnection implements RouterApi {
	readonly routerId: string;
	/** Settles once the connection is finished, whether closed by us or lost. */
	readonly closed: Promise<void>;
	readonly #address: RouterAddress;
	readonly #api: RouterOSAPI;
	readonly #timeoutMs: number;
	readonly #password: string;
	readonly #pending = new Set<PendingCommand>();
	#failure: RouterUnreachable | undefined;
	#certificate: string | undefined;
	#markClosed!: () => void;

	private constructor(target: RouterTarget, api: RouterOSAPI) {
		this.routerId = target.id;
		this.#address = { id: target.id, host: target.host, port: target.port };
		this.#api = api;
		this.#timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		this.#password = target.password;
		this.closed = new Promise((resolve) => (this.#markClosed = resolve));
		// Without an 'error' listener a socket error after login ends the whole Node process.
		api.on('error', (error: unknown) => this.#fail(connectionLost(error, this.#address)));
		api.on('close', () => this.#fail(connectionLost(undefined, this.#address)));
	}

	/** Connects and logs in, or rejects with RouterUnreachable / RouterLoginFailed. */
	static async open(target: RouterTarget): Promise<RouterConnection> {
		const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		// Only where a router may be, and to the address that was checked, not the name again.
		const checked = await checkRouterTarget(target).catch((refusal: unknown) => {
			// A name that does not resolve today may tomorrow: unreachable (retried), not refused.
			if (refusal instanceof RouterAddressRefused && refusal.reason === 'unresolved') {
				throw connectFailure(
					{ errno: 'ENOTFOUND' },
					{ id: target.id, host: target.host, port: target.port },
					timeoutMs
				);
			}
			throw refusal;
		});
		const api = new RouterOSAPI({
			host: checked.address,
			port: target.port,
			user: target.user,
			password: target.password,
			// Seconds; node-routeros uses it as the socket's idle timeout, login included.
			timeout: timeoutMs / 1000,
			tls: target.tls ? { rejectUnauthorized: false } : undefined
		});
		const connection = new RouterConnection(target, api);
		const address = connection.#address;
		let timer: NodeJS.Timeout | undefined;
		const connecting = api.connect();
		limitReplies(api, { ...configuredReplyLimits(), ...target.replyLimits });
		if (target.tls)
			pinCertificate(
				api,
				target.tlsFingerprint ?? null,
				(fingerprint) => (connection.#certificate = fingerprint)
			);
		try {
			await Promise.race([
				connecting,
				// node-routeros neither resolves nor rejects when the router hangs up mid-login.
				connection.closed.then(() => {
					throw connection.#failure ?? connectionLost(undefined, address);
				}),
				// A backstop: node-routeros' own idle timeout normally fires first.
				new Promise<never>((_, reject) => {
					timer = setTimeout(
						() => reject(connectFailure({ errno: 'SOCKTMOUT' }, address, timeoutMs)),
						timeoutMs + 500
					);
				})
			]);
		} catch (error) {
			const failure =
				error instanceof RouterUnreachable && error.reason === 'dropped'
					? closedBeforeLogin(address)
					: connectFailure(error, address, timeoutMs);
			connection.#fail(new RouterUnreachable(target.id, 'dropped', 'login did not complete'));
			// Not a polite close: a router that never finished the login would not finish that either.
			destroyConnection(api);
			throw failure;
		} finally {
			clearTimeout(timer);
		}
		try {
			assertConnectedTo(remoteAddressOf(api), checked, target.host, target.id);
		} catch (refusal) {
			await connection.close();
			throw refusal;
		}
		return connection;
	}

	/** api-ssl: the SHA-256 fingerprint of the certificate the router presented (`AB:CD:…`). */
	get certificateFingerprint(): string | undefined {
		return this.#certificate;
	}

	get isOpen(): boolean {
		return this.#failure === undefined;
	}

	/**
	 * Runs one command. Many may be in flight at once on one connection: node-routeros tags
	 * each and routes the replies back. A command that gets no reply within the timeout fails
	 * the whole connection, since a router that stopped answering one will not answer the next.
	 */
	write(
		command: string,
		words: readonly string[] = [],
		options: CommandOptions = {}
	): Promise<RouterReply[]> {
		if (this.#failure) return Promise.reject(this.#failure);
		const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
		return new Promise<RouterReply[]>((resolve, reject) => {
			const pending: PendingCommand = {
				reject,
				timer: setTimeout(() => {
					const where = `router ${this.routerId} (${this.#address.host}:${this.#address.port})`;
					this.#fail(
						new RouterUnreachable(
							this.routerId,
							'timeout',
							`${where} did not answer ${command} within ${timeoutMs} ms`
						)
					);
				}, timeoutMs)
			};
			this.#pending.add(pending);
			const settle = () => {
				clearTimeout(pending.timer);
				return this.#pending.delete(pending);
			};
			// A fresh array: node-routeros appends its `.tag` word to the one it is given.
			this.#api.write(command, [...words]).then(
				(replies) => {
					if (settle()) resolve(replies);
				},
				(error: unknown) => {
					if (settle()) reject(this.#commandError(command, words, error));
				}
			);
		});
	}

	/** Closes politely; a router that does not answer the goodbye is left to the idle timeout. */
	async close(): Promise<void> {
		if (!this.#failure) {
			const reason = `the connection to router ${this.routerId} was closed by the app`;
			this.#fail(new RouterUnreachable(this.routerId, 'dropped', reason));
		}
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			this.#api.close().catch(() => undefined),
			new Promise<void>(
				(resolve) => (timer = setTimeout(resolve, Math.min(this.#timeoutMs, 2_000)))
			)
		]);
		clearTimeout(timer);
	}

	#commandError(command: string, words: readonly string[], error: unknown): Error {
		// A trap reaches us as a plain Error whose message is RouterOS's text.
		const text = error instanceof Error ? error.message : String(error);
		const secrets = [
			this.#password,
			...words.filter((w) => w.startsWith('=password=')).map((w) => w.slice(10))
		];
		return new RouterCommandFailed(this.routerId, command, scrubSecrets(text, secrets));
	}

	#fail(failure: RouterUnreachable): void {
		if (this.#failure) return;
		this.#failure = failure;
		for (const pending of this.#pending) {
			clearTimeout(pending.timer);
			pending.reject(failure);
		}
		this.#pending.clear();
		// A router that stopped answering (or trickles) will not answer a goodbye: cut it.
		if (failure.reason === 'timeout') destroyConnection(this.#api);
		this.#markClosed();
	}
}

/** node-routeros keeps its socket private; the address it actually connected to. */
function remoteAddressOf(api: RouterOSAPI): string | undefined {
	return (api as unknown as { connector?: { socket?: { remoteAddress?: string } } }).connector
		?.socket?.remoteAddress;
}

/** A short-lived connection, not cached: onboarding checks, tests. Close it when done. */
export function connectRouter(target: RouterTarget): Promise<RouterConnection> {
	return RouterConnection.open(target);
}

interface CachedConnection {
	readonly fingerprint: string;
	readonly connection: Promise<RouterConnection>;
	opened: RouterConnection | undefined;
	leases: number;
	retired: boolean;
}

const cache = new Map<string, CachedConnection>();

/**
 * Runs `fn` on this router's shared, logged-in connection, connecting first if needed.
 * Errors from `fn` pass through; a lost connection is forgotten so the next call reconnects.
 * `fn` gets the command interface only: the shared connection is not its to close.
 */
export async function withRouter<T>(
	target: RouterTarget,
	fn: (api: RouterApi) => Promise<T>
): Promise<T> {
	const entry = cachedConnection(target);
	entry.leases++;
	try {
		return await fn(await entry.connection);
	} finally {
		entry.leases--;
		if (entry.retired && entry.leases === 0) void entry.opened?.close();
	}
}

/** For shutdown and tests: closes every cached connection. */
export async function closeAllRouterConnections(): Promise<void> {
	const entries = [...cache.values()];
	cache.clear();
	await Promise.all(
		entries.map(async (entry) => {
			entry.retired = true;
			const connection = await entry.connection.catch(() => undefined);
			await connection?.close();
		})
	);
}

function cachedConnection(target: RouterTarget): CachedConnection {
	const fingerprint = fingerprintOf(target);
	const current = cache.get(target.id);
	if (current && current.fingerprint === fingerprint && (current.opened?.isOpen ?? true))
		return current;
	if (current) retire(current);

	const entry: CachedConnection = {
		fingerprint,
		connection: RouterConnection.open(target),
		opened: undefined,
		leases: 0,
		retired: false
	};
	const forget = () => {
		if (cache.get(target.id) === entry) cache.delete(target.id);
	};
	entry.connection.then(
		(connection) => {
			entry.opened = connection;
			if (entry.retired && entry.leases === 0) void connection.close();
			void connection.closed.then(forget);
		},
		// Not cached: the next call tries again. Callers awaiting it see the error.
		forget
	);
	cache.set(target.id, entry);
	return entry;
}

/** New credentials or address: let in-flight work finish on the old connection, then close it. */
function retire(entry: CachedConnection): void {
	entry.retired = true;
	if (entry.leases === 0) void entry.opened?.close();
}

/** Identifies the credentials without keeping the password itself around. */
function fingerprintOf(target: RouterTarget): string {
	return createHash('sha256')
		.update(
			JSON.stringify([
				target.host,
				target.port,
				target.tls,
				target.user,
				target.password,
				target.timeoutMs ?? null,
				target.tlsFingerprint ?? null
			])
		)
		.digest('hex');
}
