/**
 * A tenant's routers: stored with the API password encrypted, tested on demand, and their
 * reachability recorded by every job that talks to them.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { routers, type Router } from '../db/schema';
import { writeAudit, type AuditActor } from '../audit';
import { decryptSecret, encryptSecret } from '../security/secrets';
import type { RouterTarget } from './routeros/client';
import { testConnection, type RouterInfo } from './routeros/operations';
import { hasControlCharacters } from './router-address';
import { describeRouterError } from './router-errors';

export interface RouterInput {
	name: string;
	host: string;
	port: number;
	tls: boolean;
	username: string;
	/** Absent on edit: keep the stored one. */
	password?: string;
	hotspotServer: string;
}

/** A router field with a control character (CR, LF, NUL, …): it would reach the API socket as is. */
export class RouterInputInvalid extends Error {
	override readonly name = 'RouterInputInvalid';
	constructor(readonly field: 'name' | 'host' | 'username' | 'password' | 'hotspotServer') {
		super(`The router's ${field} contains control characters`);
	}
}

function assertNoControlCharacters(input: RouterInput): void {
	for (const field of ['name', 'host', 'username', 'password', 'hotspotServer'] as const) {
		const value = input[field];
		if (value !== undefined && hasControlCharacters(value)) throw new RouterInputInvalid(field);
	}
}

export async function createRouter(tx: Tx, tenantId: string, input: RouterInput): Promise<Router> {
	assertNoControlCharacters(input);
	const [row] = await tx
		.insert(routers)
		.values({ tenantId, ...input, passwordEnc: encryptSecret(input.password ?? '') })
		.returning();
	return row!;
}

export async function updateRouter(
	tx: Tx,
	id: string,
	input: RouterInput
): Promise<Router | undefined> {
	assertNoControlCharacters(input);
	const { password, ...rest } = input;
	const [row] = await tx
		.update(routers)
		.set({ ...rest, ...(password !== undefined ? { passwordEnc: encryptSecret(password) } : {}) })
		.where(eq(routers.id, id))
		.returning();
	return row;
}

export async function getRouter(tx: Tx, id: string): Promise<Router | undefined> {
	const [row] = await tx.select().from(routers).where(eq(routers.id, id));
	return row;
}

/** What the RouterOS client needs; the only place a router password is decrypted. */
export function routerTarget(router: Router): RouterTarget {
	return {
		id: router.id,
		host: router.host,
		port: router.port,
		tls: router.tls,
		user: router.username,
		password: decryptSecret(router.passwordEnc),
		tlsFingerprint: router.tlsFingerprint
	};
}

/** SHA-256 fingerprints as Node prints them: 32 upper-case hex pairs joined by colons. */
export const CERTIFICATE_FINGERPRINT = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;

/**
 * Pins the certificate seen at the first successful "Test connection" over api-ssl. Only when
 * none is pinned yet: a changed certificate needs the manager's explicit trust (trustCertificate).
 * True when this call pinned it.
 */
export async function pinFirstCertificate(
	tx: Tx,
	id: string,
	fingerprint: string
): Promise<boolean> {
	if (!CERTIFICATE_FINGERPRINT.test(fingerprint)) return false;
	const pinned = await tx
		.update(routers)
		.set({ tlsFingerprint: fingerprint })
		.where(and(eq(routers.id, id), isNull(routers.tlsFingerprint)))
		.returning({ id: routers.id });
	return pinned.length > 0;
}

/** The manager accepted the certificate the router now presents. */
export async function trustCertificate(
	tx: Tx,
	id: string,
	fingerprint: string
): Promise<Router | undefined> {
	if (!CERTIFICATE_FINGERPRINT.test(fingerprint))
		throw new RangeError('not a SHA-256 certificate fingerprint');
	const [row] = await tx
		.update(routers)
		.set({ tlsFingerprint: fingerprint })
		.where(eq(routers.id, id))
		.returning();
	return row;
}

/** `at`: when it answered, from the worker's clock (a test moves it instead of waiting). */
export async function recordRouterSeen(
	tx: Tx,
	id: string,
	details: { identity?: string; version?: string } = {},
	at = new Date()
): Promise<void> {
	await tx
		.update(routers)
		.set({
			lastSeenAt: at,
			lastError: null,
			downSince: null,
			downAlertedAt: null,
			...details
		})
		.where(eq(routers.id, id));
}

export async function recordRouterError(
	tx: Tx,
	id: string,
	message: string,
	at?: Date
): Promise<void> {
	await tx
		.update(routers)
		.set({
			lastError: message.slice(0, 500),
			lastErrorAt: at ?? new Date(),
			// The outage began at the first failure since the router last answered (push/watch.ts).
			downSince: sql`coalesce(${routers.downSince}, ${at ? sql`${at.toISOString()}::timestamptz` : sql`now()`})`
		})
		.where(eq(routers.id, id));
}

/** Router-side names travel as Windows-1252 through node-routeros: keep them plain ASCII. */
export function routerSafe(text: string, max = 60): string {
	return text
		.normalize('NFKD')
		.replace(/[^\x20-\x7e]/g, '')
		.replace(/[;"\\]/g, '')
		.slice(0, max);
}

/** A router that cannot take this (retired, or the router being retired itself) was chosen. */
export class RouterNotOpen extends Error {
	override readonly name = 'RouterNotOpen';
	constructor(readonly reason: 'retired' | 'same' | 'missing') {
		super(
			reason === 'retired'
				? 'That router is retired'
				: reason === 'same'
					? 'Choose another router'
					: 'No such router in this tenant'
		);
	}
}

/**
 * A router new subscribers (or moved ones) may be put on: this tenant's (row-level security hides
 * any other) and not retired. Throws RouterNotOpen.
 */
export async function assertRouterOpen(
	tx: Tx,
	tenantId: string,
	routerId: string
): Promise<Router> {
	const [router] = await tx
		.select()
		.from(routers)
		.where(and(eq(routers.id, routerId), eq(routers.tenantId, tenantId)));
	if (!router) throw new RouterNotOpen('missing');
	if (router.retiredAt) throw new RouterNotOpen('retired');
	return router;
}

export type RouterTest =
	| { ok: true; info: RouterInfo; certificate: string | null; pinned: boolean }
	| { ok: false; failure: unknown };

/**
 * "Test connection": connects with the stored credentials on a connection of its own, records what
 * the router said (or its error) and audits it as router.test. The router is asked outside any
 * transaction: a slow one must not hold a database connection. Undefined when the router is not
 * this scope's; a router that fails is an answer, not an exception.
 */
export async function testRouter(
	scopeTenantId: string,
	routerId: string,
	actor: AuditActor
): Promise<RouterTest | undefined> {
	const router = await withTenant(scopeTenantId, (tx) => getRouter(tx, routerId));
	if (!router) return undefined;
	try {
		const info = await testConnection(routerTarget(router));
		// api-ssl: the first successful test pins the certificate; later ones must present it.
		const certificate = router.tls ? (info.certificateFingerprint ?? null) : null;
		const pinned = await withTenant(scopeTenantId, async (tx) => {
			await recordRouterSeen(tx, router.id, { identity: info.identity, version: info.version });
			const pinned =
				certificate !== null && (await pinFirstCertificate(tx, router.id, certificate));
			await writeAudit(tx, {
				tenantId: router.tenantId,
				actor,
				action: 'router.test',
				target: router.name,
				detail: {
					ok: true,
					identity: info.identity,
					version: info.version,
					certificate,
					certificatePinned: pinned
				}
			});
			return pinned;
		});
		return { ok: true, info, certificate, pinned };
	} catch (failure) {
		const logged = describeRouterError(failure);
		await withTenant(scopeTenantId, async (tx) => {
			await recordRouterError(tx, router.id, logged);
			await writeAudit(tx, {
				tenantId: router.tenantId,
				actor,
				action: 'router.test',
				target: router.name,
				detail: { ok: false, error: logged }
			});
		});
		return { ok: false, failure };
	}
}
