/**
 * Accounts made from the server's shell (`npm run admin`), where nobody is logged in yet: the first
 * platform admin of a production install, and a new password for someone locked out of theirs.
 * scripts/admin.ts runs it through tsx, which finds `$lib` through tsconfig's paths.
 */
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { sessions, users } from '../db/schema';
import { hashPassword } from '../auth/password';
import { passwordIsPublic } from '../auth/demo-password';
import { writeAudit } from '../audit';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { isUniqueViolation } from '../db/errors';
import { normalizeMsisdn } from '../../phone';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../new-password';
import { LoginTaken } from './invitations';

export { LoginTaken };

/** What the operator typed cannot be used; the message says why, in one line. */
export class AdminInputRefused extends Error {}

export class AccountNotFound extends Error {
	constructor() {
		super('No account has that email or phone number');
	}
}

/** The app's rules for a chosen password, and never the demo password the README prints. */
export function checkNewPassword(password: string): void {
	if (password.length < PASSWORD_MIN)
		throw new AdminInputRefused(`The password must be at least ${PASSWORD_MIN} characters`);
	if (password.length > PASSWORD_MAX)
		throw new AdminInputRefused(`The password must be at most ${PASSWORD_MAX} characters`);
	if (passwordIsPublic(password))
		throw new AdminInputRefused(
			'That is the demo password, which is printed in the README: choose another'
		);
}

export function normalizeEmail(input: string): string {
	const email = input.trim().toLowerCase();
	if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 200)
		throw new AdminInputRefused(`Not an email address: ${input}`);
	return email;
}

export function normalizePhone(input: string): string {
	const phone = normalizeMsisdn(input);
	if (!phone) throw new AdminInputRefused(`Not a Kenyan mobile number: ${input}`);
	return phone;
}

const SHELL = { userId: null, name: 'npm run admin' } as const;

export async function createPlatformAdmin(
	input: { email: string; name?: string },
	password: string
): Promise<{ id: string; email: string }> {
	const email = normalizeEmail(input.email);
	checkNewPassword(password);
	const passwordHash = await hashPassword(password);
	try {
		return await withTenant(PLATFORM_TENANT_ID, async (tx) => {
			const [user] = await tx
				.insert(users)
				.values({
					tenantId: PLATFORM_TENANT_ID,
					role: 'platform_admin',
					name: input.name?.trim() || 'Platform Admin',
					email,
					passwordHash
				})
				.returning({ id: users.id });
			await writeAudit(tx, {
				tenantId: PLATFORM_TENANT_ID,
				actor: null,
				action: 'staff.platform_admin_create',
				target: email,
				detail: { via: SHELL.name }
			});
			return { id: user!.id, email };
		});
	} catch (error) {
		if (isUniqueViolation(error, 'users_email_key')) throw new LoginTaken();
		throw error;
	}
}

/** A new password for the account with that login; every session it had ends. */
export async function resetPassword(
	login: { email: string } | { phone: string },
	password: string
): Promise<{ id: string; sessionsEnded: number }> {
	const match =
		'email' in login
			? eq(users.email, normalizeEmail(login.email))
			: eq(users.phone, normalizePhone(login.phone));
	checkNewPassword(password);
	const passwordHash = await hashPassword(password);
	// The platform's scope sees every tenant: the account may be anyone's.
	return withTenant(PLATFORM_TENANT_ID, async (tx) => {
		const [user] = await tx
			.update(users)
			.set({ passwordHash })
			.where(match)
			.returning({ id: users.id, tenantId: users.tenantId, name: users.name });
		if (!user) throw new AccountNotFound();
		const ended = await tx
			.delete(sessions)
			.where(eq(sessions.userId, user.id))
			.returning({ id: sessions.id });
		await writeAudit(tx, {
			tenantId: user.tenantId,
			actor: null,
			action: 'staff.password_reset',
			target: user.name,
			detail: { via: SHELL.name }
		});
		return { id: user.id, sessionsEnded: ended.length };
	});
}
