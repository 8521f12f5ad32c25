/**
 * Logging in by phone number or email. Every failure gives the same answer, whether the account
 * exists or not, and takes the same time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { withScope } from '../db';
import { users, type Role } from '../db/schema';
import { normalizeMsisdn } from '$lib/phone';
import { verifyAgainstNothing, verifyPassword } from './password';
import { createSession, generateSessionToken, type ValidSession } from './session';
import {
	accountDelayMs,
	noteFailedLogin,
	settleSuccess,
	takeAttempt,
	takeFailedLoginNotice,
	type FailedLoginNotice
} from './throttle';
import { isNull } from 'drizzle-orm';

export type LoginResult =
	| {
			ok: true;
			token: string;
			session: ValidSession;
			user: { id: string; tenantId: string; role: Role; locale: string | null };
			/** Failed attempts on this account since its owner last logged in, if any. */
			failedAttempts: FailedLoginNotice | null;
	  }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'locked'; until: Date };

export interface LoginOptions {
	/** How the account-wide slowdown waits (tests pass a recorder). */
	pause?: (ms: number) => Promise<unknown>;
}

/** The lookup key of a login: a normalised phone number, or a lower-cased email. */
export function loginKey(identifier: string): string {
	const trimmed = identifier.trim();
	return trimmed.includes('@')
		? trimmed.toLowerCase()
		: (normalizeMsisdn(trimmed) ?? trimmed.toLowerCase());
}

export async function login(
	identifier: string,
	password: string,
	client: { ip?: string; userAgent?: string } = {},
	options: LoginOptions = {}
): Promise<LoginResult> {
	const account = loginKey(identifier);
	const keys = { account, ip: client.ip };
	// The attempt is counted before the password is checked: a burst of guesses cannot all be checked.
	const found = await withScope({ login: account }, async (tx) => {
		const attempt = await takeAttempt(tx, keys);
		if (attempt.lockedUntil) return { attempt, user: undefined };
		const [user] = await tx.select().from(users).where(isNull(users.disabledAt));
		return { attempt, user };
	});
	if (found.attempt.lockedUntil)
		return { ok: false, reason: 'locked', until: found.attempt.lockedUntil };

	const delay = accountDelayMs(found.attempt.accountAttempts);
	if (delay > 0) await (options.pause ?? sleep)(delay);

	const user = found.user;
	const valid = user
		? await verifyPassword(user.passwordHash, password)
		: await verifyAgainstNothing(password);
	if (!user || !valid) {
		// Opened for an unknown account too, so both failures take the same round trips.
		await withScope({ login: account }, async (tx) => {
			if (user) await noteFailedLogin(tx, account);
		});
		return { ok: false, reason: 'invalid' };
	}
	const failedAttempts = await withScope({ login: account }, async (tx) => {
		await settleSuccess(tx, keys);
		return takeFailedLoginNotice(tx, account);
	});
	const token = generateSessionToken();
	const session = await createSession(token, user, client);
	return {
		ok: true,
		token,
		session,
		user: { id: user.id, tenantId: user.tenantId, role: user.role, locale: user.locale },
		failedAttempts
	};
}
