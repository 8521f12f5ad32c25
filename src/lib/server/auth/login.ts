/**
 * Logging in by phone number or email. Every failure gives the same answer, whether the account
 * exists or not, and takes the same time.
 */
import { withScope } from '../db';
import { users, type Role } from '../db/schema';
import { normalizeMsisdn } from '$lib/phone';
import { verifyAgainstNothing, verifyPassword } from './password';
import { createSession, generateSessionToken, type ValidSession } from './session';
import { clearFailures, lockedUntil, recordFailure } from './throttle';
import { isNull } from 'drizzle-orm';

export type LoginResult =
	| { ok: true; token: string; session: ValidSession; user: { id: string; tenantId: string; role: Role; locale: string | null } }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'locked'; until: Date };

/** The lookup key of a login: a normalised phone number, or a lower-cased email. */
export function loginKey(identifier: string): string {
	const trimmed = identifier.trim();
	return trimmed.includes('@') ? trimmed.toLowerCase() : (normalizeMsisdn(trimmed) ?? trimmed.toLowerCase());
}

export async function login(
	identifier: string,
	password: string,
	client: { ip?: string; userAgent?: string } = {}
): Promise<LoginResult> {
	const account = loginKey(identifier);
	const keys = { account, ip: client.ip };
	const found = await withScope({ login: account }, async (tx) => {
		const until = await lockedUntil(tx, keys);
		if (until) return { locked: until, user: undefined };
		const [user] = await tx.select().from(users).where(isNull(users.disabledAt));
		return { locked: null, user };
	});
	if (found.locked) return { ok: false, reason: 'locked', until: found.locked };

	const user = found.user;
	const valid = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstNothing(password);
	if (!user || !valid) {
		await withScope({ login: account }, (tx) => recordFailure(tx, keys));
		return { ok: false, reason: 'invalid' };
	}
	await withScope({ login: account }, (tx) => clearFailures(tx, keys));
	const token = generateSessionToken();
	const session = await createSession(token, user, client);
	return { ok: true, token, session, user: { id: user.id, tenantId: user.tenantId, role: user.role, locale: user.locale } };
}
