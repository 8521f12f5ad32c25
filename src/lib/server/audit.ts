/**
 * The audit log: who did what, in which tenant. Append-only for the application (no UPDATE/DELETE grant).
 */
import type { Tx } from './db';
import { auditLog } from './db/schema';

export interface AuditActor {
	userId: string;
	name: string;
	ip?: string;
}

export async function writeAudit(
	tx: Tx,
	entry: { tenantId: string; actor: AuditActor | null; action: string; target?: string; detail?: Record<string, unknown> }
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
