/**
 * The three ways a router call fails, as types callers branch on: provisioning jobs retry on
 * RouterUnreachable (the router will come back), stop on RouterLoginFailed (a manager must fix the
 * credentials) and dead-letter on RouterCommandFailed (RouterOS said no; retrying says no again).
 *
 * No error carries the router password or the target object holding it: errors end up in logs,
 * job rows and the manager's screen.
 */
import { getSystemErrorName } from 'node:util';
import {
	CertificateMismatch,
	ProtocolViolation,
	ReplyLimitExceeded,
	ReplyTooSlow
} from './reply-reader';
import { RouterAddressRefused } from '../router-address';

export { RouterAddressRefused };

export type UnreachableReason = 'refused' | 'timeout' | 'unreachable' | 'dropped';

export class RouterUnreachable extends Error {
	override readonly name: string = 'RouterUnreachable';
	constructor(
		readonly routerId: string,
		readonly reason: UnreachableReason,
		message: string
	) {
		super(message);
	}
}

/**
 * The router sent more than a reply may hold (a word, a sentence or a whole answer over its
 * limit, see reply-reader.ts); the connection was cut. Retried like any lost connection.
 */
export class RouterReplyTooLarge extends RouterUnreachable {
	override readonly name = 'RouterReplyTooLarge';
	constructor(
		routerId: string,
		readonly limit: ReplyLimitExceeded['limit'],
		message: string
	) {
		super(routerId, 'dropped', message);
	}
}

/** The router kept a reply coming without finishing it (a trickle); the connection was cut. */
export class RouterReplyTooSlow extends RouterUnreachable {
	override readonly name = 'RouterReplyTooSlow';
	constructor(routerId: string, message: string) {
		super(routerId, 'timeout', message);
	}
}

export class RouterLoginFailed extends Error {
	override readonly name = 'RouterLoginFailed';
	constructor(
		readonly routerId: string,
		message: string
	) {
		super(message);
	}
}

/** A `!trap`: `message` is RouterOS's own text, `command` the path that drew it. */
export class RouterCommandFailed extends Error {
	override readonly name = 'RouterCommandFailed';
	constructor(
		readonly routerId: string,
		readonly command: string,
		message: string
	) {
		super(message);
	}
}

/** RouterAddressRefused: the host, port or credentials break the outbound rules (router-address.ts). */
/**
 * api-ssl: the router presented a certificate other than the one pinned for it, so the login (and
 * its password) was never sent. A manager must look, then trust the new one (or find the impostor).
 */
export class RouterCertificateChanged extends Error {
	override readonly name = 'RouterCertificateChanged';
	constructor(
		readonly routerId: string,
		/** SHA-256 of the certificate the router presented, `AB:CD:…`. */
		readonly presented: string,
		message: string
	) {
		super(message);
	}
}

export type RouterFailure =
	| RouterUnreachable
	| RouterLoginFailed
	| RouterCommandFailed
	| RouterAddressRefused
	| RouterCertificateChanged;

export function isRouterFailure(error: unknown): error is RouterFailure {
	return (
		error instanceof RouterUnreachable ||
		error instanceof RouterLoginFailed ||
		error instanceof RouterCommandFailed ||
		error instanceof RouterAddressRefused ||
		error instanceof RouterCertificateChanged
	);
}

/** Where a connection went, for messages: never the user or the password. */
export interface RouterAddress {
	readonly id: string;
	readonly host: string;
	readonly port: number;
}

const REFUSED = new Set(['ECONNREFUSED']);
const TIMED_OUT = new Set(['ETIMEDOUT', 'SOCKTMOUT']);
const NO_ROUTE = new Set([
	'ENOTFOUND',
	'EAI_AGAIN',
	'EAI_FAIL',
	'EAI_NONAME',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EHOSTDOWN',
	'ENETDOWN',
	'EADDRNOTAVAIL'
]);
const CUT = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * node-routeros wraps socket errors in RosException with the *numeric* libuv errno (-111) and
 * often an empty message; its own failures carry a string errno (`SOCKTMOUT`, `CANTLOGIN`).
 */
export function errnoName(error: unknown): string | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const { errno, code } = error as { errno?: unknown; code?: unknown };
	if (typeof errno === 'string') return errno;
	if (typeof errno === 'number' && errno < 0) {
		try {
			return getSystemErrorName(errno);
		} catch {
			return undefined;
		}
	}
	return typeof code === 'string' ? code : undefined;
}

/** Maps a failure to connect (before or during login) to the typed errors. */
export function connectFailure(
	error: unknown,
	router: RouterAddress,
	timeoutMs: number
): RouterFailure {
	if (isRouterFailure(error)) return error;
	const refusal = replyRefusal(error, router);
	if (refusal) return refusal;
	const where = `router ${router.id} (${router.host}:${router.port})`;
	const name = errnoName(error);
	if (name === 'CANTLOGIN') {
		return new RouterLoginFailed(
			router.id,
			`${where} refused the API login: wrong user or password, or the user's group lacks the api policy`
		);
	}
	if (name && REFUSED.has(name)) {
		return new RouterUnreachable(
			router.id,
			'refused',
			`${where} refused the connection: is the API service enabled on that port?`
		);
	}
	if (name && TIMED_OUT.has(name)) {
		return new RouterUnreachable(
			router.id,
			'timeout',
			`${where} did not answer within ${timeoutMs} ms`
		);
	}
	if (name && NO_ROUTE.has(name)) {
		return new RouterUnreachable(router.id, 'unreachable', `${where} cannot be reached (${name})`);
	}
	if (name && CUT.has(name)) return closedBeforeLogin(router, name);
	// A plain Error here is a `!trap` to /login other than the usual bad-credentials one.
	if (error instanceof Error && error.constructor === Error && error.message) {
		return new RouterLoginFailed(router.id, `${where} refused the API login: ${error.message}`);
	}
	return new RouterUnreachable(
		router.id,
		'unreachable',
		`${where} could not be connected to${name ? ` (${name})` : ''}`
	);
}

/**
 * The router accepted TCP and hung up before answering the login: what RouterOS does when the
 * API service's `address=` list leaves out the caller. Counted as a refusal, not a drop.
 */
export function closedBeforeLogin(router: RouterAddress, cause?: string): RouterUnreachable {
	return new RouterUnreachable(
		router.id,
		'refused',
		`router ${router.id} (${router.host}:${router.port}) closed the connection before login` +
			`${cause ? ` (${cause})` : ''}: the API service may be restricted to other addresses`
	);
}

/** Maps an error on an established connection (socket error, idle timeout, close). */
export function connectionLost(error: unknown, router: RouterAddress): RouterUnreachable {
	const refusal = replyRefusal(error, router);
	if (refusal instanceof RouterUnreachable) return refusal;
	const where = `router ${router.id} (${router.host}:${router.port})`;
	const name = errnoName(error);
	if (name && TIMED_OUT.has(name)) {
		return new RouterUnreachable(router.id, 'timeout', `${where} stopped answering`);
	}
	return new RouterUnreachable(
		router.id,
		'dropped',
		`${where} dropped the connection${name ? ` (${name})` : ''}`
	);
}

/** The reader's refusal of a reply (no router id there) as the typed error for this router. */
function replyRefusal(
	error: unknown,
	router: RouterAddress
): RouterUnreachable | RouterCertificateChanged | undefined {
	const where = `router ${router.id} (${router.host}:${router.port})`;
	if (error instanceof CertificateMismatch) {
		return new RouterCertificateChanged(
			router.id,
			error.presented,
			`${where} presented a certificate other than the trusted one (SHA-256 ${error.presented})`
		);
	}
	if (error instanceof ReplyLimitExceeded)
		return new RouterReplyTooLarge(router.id, error.limit, `${where} ${error.message}`);
	if (error instanceof ReplyTooSlow)
		return new RouterReplyTooSlow(router.id, `${where} ${error.message}`);
	if (error instanceof ProtocolViolation)
		return new RouterUnreachable(router.id, 'dropped', `${where} ${error.message}`);
	return undefined;
}

/**
 * Removes secrets from a message before it leaves this module. RouterOS does not usually echo
 * values in traps, but a future message that does must not leak a password into a job row.
 * Very short secrets are left alone: scrubbing "12" would mangle "(12)" in unrelated text.
 */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
	let out = message;
	for (const secret of secrets) {
		if (secret.length >= 4) out = out.split(secret).join('***');
	}
	return out;
}
