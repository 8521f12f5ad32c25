/**
 * Sessions as the Lucia guide teaches: a token `<id>.<secret>`; the database keeps the id and the
 * SHA-256 of the secret, compared in constant time. Sessions end after INACTIVITY_TIMEOUT without
 * use and are extended on use at most once per ACTIVITY_CHECK_INTERVAL.
 */
import type { Cookies } from '@sveltejs/kit';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq } from 'drizzle-orm';
import { withScope, withTenant } from '../db';
import { sessions, users, type Role } from '../db/schema';

export const SESSION_COOKIE = 'session';
export const INACTIVITY_TIMEOUT_MS = 10 * 24 * 60 * 60 * 1000;
export const ACTIVITY_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export interface SessionUser {
	id: string;
	tenantId: string;
	role: Role;
	name: string;
	email: string | null;
	phone: string | null;
	locale: string | null;
}

export interface ValidSession {
	id: string;
	tenantId: string;
	userId: string;
	lastVerifiedAt: Date;
	/** When the cookie should now expire (it moves forward when the session is extended). */
	expiresAt: Date;
	/** A platform admin's "act as tenant" grant, as stored (it may have run out: see platform/act-as). */
	actAs: ActAsGrant | null;
}

export interface ActAsGrant {
	tenantId: string;
	reason: string;
	until: Date;
}

export type SessionValidationResult =
	{ session: ValidSession; user: SessionUser } | { session: null; user: null };

function randomString(bytes: number): string {
	return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

function hashSecret(secret: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function generateSessionToken(): string {
	return `${randomString(15)}.${randomString(20)}`;
}

export async function createSession(
	token: string,
	user: { id: string; tenantId: string },
	client: { ip?: string; userAgent?: string } = {}
): Promise<ValidSession> {
	const [id, secret] = token.split('.') as [string, string];
	const now = new Date();
	await withScope({ session: id }, (tx) =>
		tx.insert(sessions).values({
			id,
			secretHash: hashSecret(secret),
			tenantId: user.tenantId,
			userId: user.id,
			lastVerifiedAt: now,
			ip: client.ip?.slice(0, 64),
			userAgent: client.userAgent?.slice(0, 300)
		})
	);
	return {
		id,
		tenantId: user.tenantId,
		userId: user.id,
		lastVerifiedAt: now,
		expiresAt: new Date(now.getTime() + INACTIVITY_TIMEOUT_MS),
		actAs: null
	};
}

export async function validateSessionToken(token: string): Promise<SessionValidationResult> {
	const parts = token.split('.');
	if (
		parts.length !== 2 ||
		!/^[a-z2-7]{24}$/.test(parts[0]!) ||
		!/^[a-z2-7]{32}$/.test(parts[1]!)
	) {
		return { session: null, user: null };
	}
	const [id, secret] = parts as [string, string];
	return withScope({ session: id }, async (tx) => {
		const [row] = await tx
			.select({ session: sessions, user: users })
			.from(sessions)
			.innerJoin(users, eq(users.id, sessions.userId))
			.where(eq(sessions.id, id));
		if (!row) return { session: null, user: null };
		const given = new TextEncoder().encode(hashSecret(secret));
		const stored = new TextEncoder().encode(row.session.secretHash);
		if (!constantTimeEqual(given, stored)) return { session: null, user: null };

		const now = Date.now();
		let lastVerifiedAt = row.session.lastVerifiedAt;
		if (now - lastVerifiedAt.getTime() >= INACTIVITY_TIMEOUT_MS || row.user.disabledAt) {
			await tx.delete(sessions).where(eq(sessions.id, id));
			return { session: null, user: null };
		}
		if (now - lastVerifiedAt.getTime() >= ACTIVITY_CHECK_INTERVAL_MS) {
			lastVerifiedAt = new Date(now);
			await tx.update(sessions).set({ lastVerifiedAt }).where(eq(sessions.id, id));
		}
		const { user } = row;
		return {
			session: {
				id,
				tenantId: row.session.tenantId,
				userId: user.id,
				lastVerifiedAt,
				expiresAt: new Date(lastVerifiedAt.getTime() + INACTIVITY_TIMEOUT_MS),
				actAs:
					row.session.actAsTenantId && row.session.actAsUntil
						? {
								tenantId: row.session.actAsTenantId,
								reason: row.session.actAsReason ?? '',
								until: row.session.actAsUntil
							}
						: null
			},
			user: {
				id: user.id,
				tenantId: user.tenantId,
				role: user.role,
				name: user.name,
				email: user.email,
				phone: user.phone,
				locale: user.locale
			}
		};
	});
}

export async function invalidateSession(sessionId: string): Promise<void> {
	await withScope({ session: sessionId }, (tx) =>
		tx.delete(sessions).where(eq(sessions.id, sessionId))
	);
}

/** After a password change or when a user is disabled: every device is logged out. */
export async function invalidateUserSessions(tenantId: string, userId: string): Promise<void> {
	await withTenant(tenantId, (tx) =>
		tx.delete(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId)))
	);
}

/** What the cookie helpers need of a request: its cookies, and whether it came over https. */
export interface CookieEvent {
	cookies: Cookies;
	url: URL;
}

/**
 * Every cookie we set goes through here, the one place that decides `Secure`: over https every
 * cookie is Secure (never sent back over plain http, where anyone on the café's Wi-Fi could read
 * it); over plain http (the demo on a laptop) a Secure cookie would simply not be kept.
 */
export function setCookie(
	event: CookieEvent,
	name: string,
	value: string,
	options: { httpOnly: boolean; maxAge?: number; expires?: Date }
): void {
	event.cookies.set(name, value, {
		...options,
		secure: event.url.protocol === 'https:',
		sameSite: 'lax',
		path: '/'
	});
}

/** Removes a cookie with the same `Secure` it was set with (a browser ignores a mismatched delete over http). */
export function deleteCookie(event: CookieEvent, name: string, httpOnly = true): void {
	setCookie(event, name, '', { httpOnly, maxAge: 0 });
}

export function setSessionTokenCookie(event: CookieEvent, token: string, expiresAt: Date): void {
	setCookie(event, SESSION_COOKIE, token, { httpOnly: true, expires: expiresAt });
}

export function deleteSessionTokenCookie(event: CookieEvent): void {
	deleteCookie(event, SESSION_COOKIE);
}

export const LANGUAGE_COOKIE = 'lang';

/** The language choice; paraglide reads it on every request (not httpOnly: nothing secret in it). */
export function setLanguageCookie(event: CookieEvent, locale: string): void {
	setCookie(event, LANGUAGE_COOKIE, locale, { httpOnly: false, maxAge: 400 * 24 * 3600 });
}
