/**
 * Inviting staff: a manager names the person and the role; the person opens the link on their own
 * phone and chooses a password. The link is `<id>.<secret>`, checked like a session (by its hash).
 * It works once, for INVITATION_TTL_MS, and a manager can revoke it before it is used (sent to the
 * wrong number, or the person did not join after all).
 *
 * Managers send the link later than they make it (the person is not at the counter yet, the SMS
 * did not arrive): so the token is also kept encrypted (tokenSealed) and the team page shows the
 * link until it is used, revoked or expired. An invitation whose link cannot be shown again (made
 * before that, or the secret key changed) or has expired gets a new link instead (renewInvitation).
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { withScope, withTenant, type Tx } from '../db';
import { invitations, users, type Role } from '../db/schema';
import { hashPassword } from '../auth/password';
import { writeAudit, type AuditActor } from '../audit';
import { isUniqueViolation } from '../db/errors';
import { decryptSecret, encryptSecret, SecretUnreadable } from '../security/secrets';
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

/** Returns the token to share; the team page can show it again until it is used, revoked or expired. */
export async function createInvitation(
	scopeTenantId: string,
	input: NewInvitation,
	actor: AuditActor,
	now = new Date()
): Promise<string> {
	return withTenant(scopeTenantId, (tx) => insertInvitation(tx, input, actor, now));
}

async function insertInvitation(
	tx: Tx,
	input: NewInvitation,
	actor: AuditActor,
	now: Date,
	action: 'staff.invite' | 'staff.invite_renew' = 'staff.invite'
): Promise<string> {
	const { id, secretHash, token } = newLinkToken();
	await tx.insert(invitations).values({
		id,
		secretHash,
		tokenSealed: encryptSecret(token),
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
		action,
		target: input.phone ?? input.email,
		detail: { role: input.role, name: input.name }
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
	const [row] = await withScope({ invite: parsed.id }, (tx) =>
		tx.select().from(invitations).where(eq(invitations.id, parsed.id))
	);
	if (!row || !linkSecretMatches(parsed.secret, row.secretHash)) return { state: 'invalid' };
	if (row.acceptedAt) return { state: 'accepted' };
	if (row.revokedAt) return { state: 'revoked' };
	if (row.expiresAt <= now) return { state: 'expired' };
	return { state: 'open', invitation: row };
}

/** Creates the user; the invitation can be used once. */
export async function acceptInvitation(
	invitation: OpenInvitation,
	password: string
): Promise<{ id: string; tenantId: string; role: Role }> {
	const passwordHash = await hashPassword(password);
	return withTenant(invitation.tenantId, async (tx) => {
		const now = new Date();
		// Checked again in the statement that spends it: the page may have been opened before the
		// manager revoked the invitation or before it expired.
		const used = await tx
			.update(invitations)
			.set({ acceptedAt: now, tokenSealed: null })
			.where(
				and(
					eq(invitations.id, invitation.id),
					isNull(invitations.acceptedAt),
					isNull(invitations.revokedAt),
					gt(invitations.expiresAt, now)
				)
			)
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
			await writeAudit(tx, {
				tenantId: invitation.tenantId,
				actor: { userId: user!.id, name: invitation.name },
				action: 'staff.join',
				target: invitation.phone ?? invitation.email ?? undefined
			});
			return user!;
		} catch (error) {
			if (
				isUniqueViolation(error, 'users_email_key') ||
				isUniqueViolation(error, 'users_phone_key')
			)
				throw new LoginTaken();
			throw error;
		}
	});
}

/** A manager takes back an invitation nobody has used yet. */
export async function revokeInvitation(
	scopeTenantId: string,
	id: string,
	actor: AuditActor
): Promise<{ name: string }> {
	return withTenant(scopeTenantId, async (tx) => {
		const [row] = await tx
			.update(invitations)
			.set({ revokedAt: new Date(), tokenSealed: null })
			.where(
				and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))
			)
			.returning({
				tenantId: invitations.tenantId,
				name: invitations.name,
				phone: invitations.phone,
				email: invitations.email
			});
		if (!row) throw new InvitationNotFound();
		await writeAudit(tx, {
			tenantId: row.tenantId,
			actor,
			action: 'staff.invite_revoke',
			target: row.phone ?? row.email ?? row.name,
			detail: { name: row.name }
		});
		return { name: row.name };
	});
}

/**
 * A new link for an invitation nobody has used (expired, or its link cannot be shown again): the
 * old link stops working, in the same transaction, and the same person is invited afresh.
 */
export async function renewInvitation(
	scopeTenantId: string,
	id: string,
	actor: AuditActor,
	now = new Date()
): Promise<{ name: string; token: string }> {
	return withTenant(scopeTenantId, async (tx) => {
		const [old] = await tx
			.update(invitations)
			.set({ revokedAt: now, tokenSealed: null })
			.where(
				and(eq(invitations.id, id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))
			)
			.returning();
		if (!old) throw new InvitationNotFound();
		const input = {
			tenantId: old.tenantId,
			role: old.role as NewInvitation['role'],
			name: old.name,
			email: old.email ?? undefined,
			phone: old.phone ?? undefined
		};
		return {
			name: old.name,
			token: await insertInvitation(tx, input, actor, now, 'staff.invite_renew')
		};
	});
}

/** The link token of an open invitation, or null when it cannot be shown (expired, made before links were kept, key changed). */
function openToken(row: { tokenSealed: string | null; expiresAt: Date }, now: Date): string | null {
	if (!row.tokenSealed || row.expiresAt <= now) return null;
	try {
		return decryptSecret(row.tokenSealed);
	} catch (error) {
		if (error instanceof SecretUnreadable) return null;
		throw error;
	}
}

/**
 * Invitations not used or revoked yet, newest first, each with its link token while it works;
 * expired ones too, so a manager sees why someone could not join.
 */
export async function listOpenInvitations(tx: Tx, limit = 50, now = new Date()) {
	const rows = await tx
		.select({
			id: invitations.id,
			name: invitations.name,
			role: invitations.role,
			phone: invitations.phone,
			email: invitations.email,
			tenantId: invitations.tenantId,
			expiresAt: invitations.expiresAt,
			tokenSealed: invitations.tokenSealed
		})
		.from(invitations)
		.where(and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
		.orderBy(desc(invitations.createdAt))
		.limit(limit);
	return rows.map(({ tokenSealed, ...row }) => ({
		...row,
		expired: row.expiresAt <= now,
		token: openToken({ tokenSealed, expiresAt: row.expiresAt }, now)
	}));
}

export async function listStaff(tx: Tx) {
	return tx
		.select({
			id: users.id,
			name: users.name,
			role: users.role,
			phone: users.phone,
			email: users.email,
			tenantId: users.tenantId,
			disabledAt: users.disabledAt
		})
		.from(users)
		.orderBy(users.name);
}
