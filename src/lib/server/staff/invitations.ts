/**
 * Inviting staff: a manager names the person and the role; the person opens the link on their own
 * phone and chooses a password. The link is `<id>.<secret>`, stored like a session (hash only). It
 * works once, for INVITATION_TTL_MS, and a manager can revoke it before it is used (sent to the
 * wrong number, or the person did not join after all).
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { withScope, withTenant, type Tx } from '../db';
import { invitations, users, type Role } from '../db/schema';
import { hashPassword } from '../auth/password';
import { writeAudit, type AuditActor } from '../audit';
import { isUniqueViolation } from '../tenants/tenants';
import { linkSecretMatches, newLinkToken, parseLinkToken } from './link-tokens';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class LoginTaken extends Error {
	constructor() {
		super('That phone number or email already has an account');
	}
}

/** The invitation was used, revoked or expired between opening the page and sending the form. */
export class InvitationClosed extends Error {
	constructor() {
		super('This invitation is not valid any more');
	}
}

/** No open invitation with that id among those this manager can see. */
export class InvitationNotFound extends Error {
	constructor() {
		super('No such invitation');
	}
}

export interface NewInvitation {
	tenantId: string;
	role: Exclude<Role, 'platform_admin'>;
	name: string;
	email?: string;
	phone?: string;
}

/** Returns the token to share; it is shown once and never stored. */
export async function createInvitation(scopeTenantId: string, input: NewInvitation, actor: AuditActor, now = new Date()): Promise<string> {
	const { id, secretHash, token } = newLinkToken();
	await withTenant(scopeTenantId, async (tx) => {
		await tx.insert(invitations).values({
			id,
			secretHash,
			tenantId: input.tenantId,
			role: input.role,
			name: input.name,
			email: input.email,
			phone: input.phone,
			invitedBy: actor.userId,
			expiresAt: new Date(now.getTime() + INVITATION_TTL_MS)
		});
		await writeAudit(tx, {
			tenantId: input.tenantId,
			actor,
			action: 'staff.invite',
			target: input.phone ?? input.email,
			detail: { role: input.role, name: input.name }
		});
	});
	return token;
}

type OpenInvitation = typeof invitations.$inferSelect;

/** What a link opens. Why it is closed is said only once the secret has matched, so ids cannot be probed. */
export type InvitationLookup =
	| { state: 'open'; invitation: OpenInvitation }
	| { state: 'expired' | 'revoked' | 'accepted' | 'invalid' };

export async function findInvitation(token: string, now = new Date()): Promise<InvitationLookup> {
	const parsed = parseLinkToken(token);
	if (!parsed) return { state: 'invalid' };
	const [row] = await withScope({ invite: parsed.id }, (tx) => tx.select().from(invitations).where(eq(invitations.id, parsed.id)));
	if (!row || !linkSecretMatches(parsed.secret, row.secretHash)) return { state: 'invalid' };
	if (row.acceptedAt) return { state: 'accepted' };
	if (row.revokedAt) return { state: 'revoked' };
	if (row.expiresAt <= now) return { state: 'expired' };
	return { state: 'open', invitation: row };
}

/** Creates the user; the invitation can be used once. */
export async function acceptInvitation(invitation: OpenInvitation, password: string): Promise<{ id: string; tenantId: string; role: Role }> {
	const passwordHash = await hashPassword(password);
	return withTenant(invitation.tenantId, async (tx) => {
		const now = new Date();
		// Checked again in the statement that spends it: the page may have been opened before the
		// manager revoked the invitation or before it expired.
		const used = await tx
			.update(invitations)
			.set({ acceptedAt: now })
			.where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
			.returning({ id: invitations.id });
		if (used.length === 0) throw new InvitationClosed();
		try {
			const [user] = await tx
				.insert(users)
				.values({
					tenantId: invitation.tenantId,
					role: invitation.role,
					name: invitation.name,
					email: invitation.email,
					phone: invitation.phone,
					passwordHash
				})
				.returning({ id: users.id, tenantId: users.tenantId, role: users.role });
			await writeAudit(tx, { tenantId: invitation.tenantId, actor: { userId: user!.id, name: invitation.name }, action: 'staff.join', target: invitation.phone ?? invitation.email ?? undefined });
			return user!;
		} catch (error) {
			if (isUniqueViolation(error, 'users_email_key') || isUniqueViolation(error, 'users_phone_key')) throw new LoginTaken();
			throw error;
		}
	});
}

/** A manager takes back an invitation nobody has used yet. */
export async function revokeInvitation(scopeTenantId: string, id: string, actor: AuditActor): Promise<{ name: string }> {
	return withTenant(scopeTenantId, async (tx) => {
		const [row] = await tx
			.update(invitations)
			.set({ revokedAt: new Date() })
			.where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
			.returning({ tenantId: invitations.tenantId, name: invitations.name, phone: invitations.phone, email: invitations.email });
		if (!row) throw new InvitationNotFound();
		await writeAudit(tx, { tenantId: row.tenantId, actor, action: 'staff.invite_revoke', target: row.phone ?? row.email ?? row.name, detail: { name: row.name } });
		return { name: row.name };
	});
}

/** Invitations not used or revoked yet, newest first; expired ones too, so a manager sees why someone could not join. */
export async function listOpenInvitations(tx: Tx, limit = 50) {
	return tx
		.select({ id: invitations.id, name: invitations.name, role: invitations.role, phone: invitations.phone, email: invitations.email, tenantId: invitations.tenantId, expiresAt: invitations.expiresAt })
		.from(invitations)
		.where(and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
		.orderBy(desc(invitations.createdAt))
		.limit(limit);
}

export async function listStaff(tx: Tx) {
	return tx
		.select({ id: users.id, name: users.name, role: users.role, phone: users.phone, email: users.email, tenantId: users.tenantId, disabledAt: users.disabledAt })
		.from(users)
		.orderBy(users.name);
}
