/**
 * Inviting staff: a manager names the person and the role; the person opens the link on their own
 * phone and chooses a password. The link is `<id>.<secret>`, stored like a session (hash only).
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { withScope, withTenant } from '../db';
import { invitations, users, type Role } from '../db/schema';
import { hashPassword } from '../auth/password';
import { writeAudit, type AuditActor } from '../audit';
import { isUniqueViolation } from '../tenants/tenants';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class LoginTaken extends Error {
	constructor() {
		super('That phone number or email already has an account');
	}
}

const random = (bytes: number) => encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
const hashSecret = (secret: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));

export interface NewInvitation {
	tenantId: string;
	role: Exclude<Role, 'platform_admin'>;
	name: string;
	email?: string;
	phone?: string;
}

/** Returns the token to share; it is shown once and never stored. */
export async function createInvitation(scopeTenantId: string, input: NewInvitation, actor: AuditActor): Promise<string> {
	const id = random(15);
	const secret = random(20);
	await withTenant(scopeTenantId, async (tx) => {
		await tx.insert(invitations).values({
			id,
			secretHash: hashSecret(secret),
			tenantId: input.tenantId,
			role: input.role,
			name: input.name,
			email: input.email,
			phone: input.phone,
			invitedBy: actor.userId,
			expiresAt: new Date(Date.now() + INVITATION_TTL_MS)
		});
		await writeAudit(tx, {
			tenantId: input.tenantId,
			actor,
			action: 'staff.invite',
			target: input.phone ?? input.email,
			detail: { role: input.role, name: input.name }
		});
	});
	return `${id}.${secret}`;
}

type OpenInvitation = typeof invitations.$inferSelect;

export async function findInvitation(token: string): Promise<OpenInvitation | null> {
	const [id, secret] = token.split('.');
	if (!id || !secret || !/^[a-z2-7]{24}$/.test(id) || !/^[a-z2-7]{32}$/.test(secret)) return null;
	const [row] = await withScope({ invite: id }, (tx) =>
		tx
			.select()
			.from(invitations)
			.where(and(eq(invitations.id, id), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())))
	);
	if (!row) return null;
	const ok = constantTimeEqual(new TextEncoder().encode(hashSecret(secret)), new TextEncoder().encode(row.secretHash));
	return ok ? row : null;
}

/** Creates the user; the invitation can be used once. */
export async function acceptInvitation(invitation: OpenInvitation, password: string): Promise<{ id: string; tenantId: string; role: Role }> {
	const passwordHash = await hashPassword(password);
	return withTenant(invitation.tenantId, async (tx) => {
		const used = await tx
			.update(invitations)
			.set({ acceptedAt: new Date() })
			.where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
			.returning({ id: invitations.id });
		if (used.length === 0) throw new LoginTaken();
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

export async function listStaff(tx: Parameters<Parameters<typeof withTenant>[1]>[0]) {
	return tx
		.select({ id: users.id, name: users.name, role: users.role, phone: users.phone, email: users.email, tenantId: users.tenantId, disabledAt: users.disabledAt })
		.from(users)
		.orderBy(users.name);
}
