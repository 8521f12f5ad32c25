/**
 * A manager makes a one-time link for a staff member who forgot their password. The link works
 * once, for RESET_TTL_MS; using it sets the new password and logs the person out everywhere (whoever
 * knew the old password is out too). Making a new link cancels the person's older ones.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { withScope, withTenant } from '../db';
import { passwordResets, sessions, users } from '../db/schema';
import { hashPassword } from '../auth/password';
import { auditActor, writeAudit, type AuditActor } from '../audit';
import { linkSecretMatches, newLinkToken, parseLinkToken } from './link-tokens';

export const RESET_TTL_MS = 24 * 60 * 60 * 1000;

/** The staff member is not one this manager can see (another tenant's, or no such person). */
export class StaffNotFound extends Error {
	constructor() {
		super('No such staff member');
	}
}

/** The link was used, cancelled or expired between opening the page and sending the form. */
export class ResetLinkClosed extends Error {
	constructor() {
		super('This password reset link is not valid any more');
	}
}

/** Returns the token to share; it is shown once and never stored. */
export async function issuePasswordReset(
	scopeTenantId: string,
	userId: string,
	actor: AuditActor,
	now = new Date()
): Promise<{ token: string; name: string }> {
	const { id, secretHash, token } = newLinkToken();
	const name = await withTenant(scopeTenantId, async (tx) => {
		// RLS shows only staff of this manager's tenant and those below it.
		const [member] = await tx
			.select({ id: users.id, tenantId: users.tenantId, name: users.name })
			.from(users)
			.where(eq(users.id, userId));
		if (!member) throw new StaffNotFound();
		await tx
			.update(passwordResets)
			.set({ usedAt: now })
			.where(and(eq(passwordResets.userId, member.id), isNull(passwordResets.usedAt)));
		await tx.insert(passwordResets).values({
			id,
			secretHash,
			tenantId: member.tenantId,
			userId: member.id,
			issuedBy: actor.userId,
			expiresAt: new Date(now.getTime() + RESET_TTL_MS)
		});
		await writeAudit(tx, {
			tenantId: member.tenantId,
			actor,
			action: 'staff.password_reset_issue',
			target: member.name
		});
		return member.name;
	});
	return { token, name };
}

export interface OpenReset {
	id: string;
	tenantId: string;
	userId: string;
	name: string;
	login: string | null;
}

/** The reset a link opens, while it is unused and unexpired; null otherwise. */
export async function findPasswordReset(
	token: string,
	now = new Date()
): Promise<OpenReset | null> {
	const parsed = parseLinkToken(token);
	if (!parsed) return null;
	const [row] = await withScope({ reset: parsed.id }, (tx) =>
		tx
			.select()
			.from(passwordResets)
			.where(
				and(
					eq(passwordResets.id, parsed.id),
					isNull(passwordResets.usedAt),
					gt(passwordResets.expiresAt, now)
				)
			)
	);
	if (!row || !linkSecretMatches(parsed.secret, row.secretHash)) return null;
	// The link has proved itself: the person's name and login are read in the reset's tenant.
	const [member] = await withTenant(row.tenantId, (tx) =>
		tx
			.select({ name: users.name, phone: users.phone, email: users.email })
			.from(users)
			// A person disabled after the link was made (someone who left) cannot use it.
			.where(and(eq(users.id, row.userId), isNull(users.disabledAt)))
	);
	if (!member) return null;
	return {
		id: row.id,
		tenantId: row.tenantId,
		userId: row.userId,
		name: member.name,
		login: member.phone ?? member.email
	};
}

/** Sets the password and ends every session of the person; the link is then spent. */
export async function usePasswordReset(
	reset: OpenReset,
	password: string,
	client: { ip?: string } = {}
): Promise<{ id: string; tenantId: string; role: (typeof users.$inferSelect)['role'] }> {
	const passwordHash = await hashPassword(password);
	return withTenant(reset.tenantId, async (tx) => {
		const now = new Date();
		// One statement decides, so two tabs sending the form at once set one password between them.
		const spent = await tx
			.update(passwordResets)
			.set({ usedAt: now })
			.where(
				and(
					eq(passwordResets.id, reset.id),
					isNull(passwordResets.usedAt),
					gt(passwordResets.expiresAt, now)
				)
			)
			.returning({ id: passwordResets.id });
		if (spent.length === 0) throw new ResetLinkClosed();
		const [user] = await tx
			.update(users)
			.set({ passwordHash })
			.where(and(eq(users.id, reset.userId), isNull(users.disabledAt)))
			.returning({ id: users.id, tenantId: users.tenantId, role: users.role, name: users.name });
		if (!user) throw new ResetLinkClosed();
		await tx.delete(sessions).where(eq(sessions.userId, user.id));
		await writeAudit(tx, {
			tenantId: user.tenantId,
			actor: auditActor(user, client.ip),
			action: 'staff.password_reset',
			target: user.name
		});
		return { id: user.id, tenantId: user.tenantId, role: user.role };
	});
}
