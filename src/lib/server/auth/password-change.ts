/**
 * A signed-in user changes their own password. The current password is asked for (a phone left
 * unlocked on a shop counter must not be enough to take the account), and wrong guesses count in
 * the same throttle as wrong logins, so this form is no side door for guessing. On success every
 * other session of the user ends: a password is changed because someone else may know it.
 */
import { and, eq, ne } from 'drizzle-orm';
import { withScope, withTenant } from '../db';
import { sessions, users } from '../db/schema';
import { auditActor, writeAudit } from '../audit';
import { loginKey } from './login';
import { hashPassword, verifyPassword } from './password';
import type { SessionUser } from './session';
import { settleSuccess, takeAttempt } from './throttle';

export type PasswordChangeResult =
	| { ok: true }
	| { ok: false; reason: 'wrong_current' }
	| { ok: false; reason: 'locked'; until: Date };

export async function changeOwnPassword(
	user: SessionUser,
	currentSessionId: string,
	passwords: { current: string; next: string },
	client: { ip?: string } = {}
): Promise<PasswordChangeResult> {
	const account = loginKey(user.phone ?? user.email ?? user.id);
	const keys = { account, ip: client.ip };
	// Counted before the check, like a login: a burst of guesses cannot all be checked.
	const attempt = await withScope({ login: account }, (tx) => takeAttempt(tx, keys));
	if (attempt.lockedUntil) return { ok: false, reason: 'locked', until: attempt.lockedUntil };
	const [row] = await withTenant(user.tenantId, (tx) =>
		tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id))
	);
	if (!row || !(await verifyPassword(row.passwordHash, passwords.current)))
		return { ok: false, reason: 'wrong_current' };
	const passwordHash = await hashPassword(passwords.next);
	await withTenant(user.tenantId, async (tx) => {
		await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
		await tx
			.delete(sessions)
			.where(and(eq(sessions.userId, user.id), ne(sessions.id, currentSessionId)));
		await writeAudit(tx, {
			tenantId: user.tenantId,
			actor: auditActor(user, client.ip),
			action: 'staff.password_change',
			target: user.name
		});
	});
	await withScope({ login: account }, (tx) => settleSuccess(tx, keys));
	return { ok: true };
}
