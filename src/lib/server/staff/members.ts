/**
 * Staff accounts as a manager sees them: one person's details, turning an account off and on,
 * and the language a person chose. Visibility is decided by row-level security (the manager's
 * tenant and those below it); every function runs inside the caller's withTenant.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { tenants, users } from '../db/schema';
import { writeAudit, type AuditActor } from '../audit';

export async function getStaffMember(tx: Tx, id: string) {
	const [member] = await tx
		.select({
			id: users.id,
			name: users.name,
			role: users.role,
			phone: users.phone,
			email: users.email,
			disabledAt: users.disabledAt,
			createdAt: users.createdAt,
			tenantName: tenants.name
		})
		.from(users)
		.innerJoin(tenants, eq(tenants.id, users.tenantId))
		.where(eq(users.id, id));
	return member;
}

/** Audited as staff.disable or staff.enable; undefined when the person is not one this manager can see. */
export async function setStaffDisabled(
	tx: Tx,
	id: string,
	disabled: boolean,
	actor: AuditActor
): Promise<{ tenantId: string; name: string } | undefined> {
	const [row] = await tx
		.update(users)
		.set({ disabledAt: disabled ? new Date() : null })
		.where(eq(users.id, id))
		.returning({ tenantId: users.tenantId, name: users.name });
	if (row)
		await writeAudit(tx, {
			tenantId: row.tenantId,
			actor,
			action: disabled ? 'staff.disable' : 'staff.enable',
			target: row.name
		});
	return row;
}

/** Remembered on the account, so the next phone the person logs in on speaks the same language. */
export async function rememberLocale(tx: Tx, userId: string, locale: 'en' | 'sw'): Promise<void> {
	await tx.update(users).set({ locale }).where(eq(users.id, userId));
}
