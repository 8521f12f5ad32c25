/**
 * The audit log: who did what, in which tenant. Append-only for the application (no UPDATE/DELETE grant).
 */
import { desc, eq, sql } from 'drizzle-orm';
import type { Tx } from './db';
import { auditLog, tenants } from './db/schema';
import { UUID_PATTERN } from '../uuid';

export interface AuditActor {
	userId: string;
	name: string;
	ip?: string;
}

/** Who did it, as every audit entry names a signed-in person: their id, their name, their address. */
export function auditActor(user: { id: string; name: string }, ip?: string): AuditActor {
	return { userId: user.id, name: user.name, ip };
}

export async function writeAudit(
	tx: Tx,
	entry: {
		tenantId: string;
		actor: AuditActor | null;
		action: string;
		target?: string;
		detail?: Record<string, unknown>;
	}
): Promise<void> {
	await tx.insert(auditLog).values({
		tenantId: entry.tenantId,
		actorUserId: entry.actor?.userId,
		actorName: entry.actor?.name,
		action: entry.action,
		target: entry.target,
		detail: entry.detail,
		ip: entry.actor?.ip
	});
}

/**
 * The columns the activity feeds show. An entry whose target is a subscriber's or a payment's id
 * also carries that subscriber's name (null once the subscriber is gone, or for any other target).
 */
export const auditEntryFields = {
	id: auditLog.id,
	action: auditLog.action,
	target: auditLog.target,
	targetName: sql<string | null>`(
		select coalesce(
			(select s.name from subscribers s where s.id = t.id),
			(select s.name from payments p join subscribers s on s.id = p.subscriber_id where p.id = t.id))
		from (select case when ${auditLog.target} ~* ${UUID_PATTERN} then ${auditLog.target}::uuid end as id) t)`,
	actorName: auditLog.actorName,
	createdAt: auditLog.createdAt
};

/** The newest entries the scope can see, each with the name of the tenant it happened in. */
export async function listActivity(tx: Tx, limit: number) {
	return tx
		.select({ ...auditEntryFields, tenantName: tenants.name })
		.from(auditLog)
		.innerJoin(tenants, eq(tenants.id, auditLog.tenantId))
		.orderBy(desc(auditLog.createdAt))
		.limit(limit);
}
