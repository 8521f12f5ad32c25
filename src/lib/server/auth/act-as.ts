/**
 * "Act as tenant": the platform admin's drill-down is read-only; a write in a tenant needs an
 * explicit grant, asked for with a reason, good for ACT_AS_MS, kept on the session row (so it ends
 * with the session and every app process sees it) and audited at both ends in the tenant's log and
 * the platform's. While a grant is active the admin's tenant pages are scoped to that tenant alone.
 * The rule is enforced once, for every request, by hooks/act-as.ts.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { withTenant } from '../db';
import { sessions } from '../db/schema';
import { auditActor, writeAudit } from '../audit';
import { getTenant } from '../tenants/tenants';
import type { ActAsGrant, SessionUser } from './session';

export const ACT_AS_MS = 30 * 60_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Where a platform admin writes as the platform, not in a tenant: the platform pages, their own
 * account, signing out, the language, and the public pages (which do not use the session).
 * Everything else (/manage, /agent, any endpoint added later) is a tenant's and needs a grant:
 * a new route is refused by default rather than open by default.
 */
const PLATFORM_OWN_PATHS = [
	'/platform',
	'/account',
	'/logout',
	'/login',
	'/language',
	'/invite',
	'/reset',
	'/pay',
	'/portal',
	'/hooks',
	'/hotspot',
	'/healthz'
];

function within(path: string, base: string): boolean {
	return path === base || path.startsWith(`${base}/`);
}

export function isWrite(method: string): boolean {
	return !SAFE_METHODS.has(method.toUpperCase());
}

/** A write a platform admin may make only under a grant. */
export function writeNeedsGrant(method: string, path: string): boolean {
	return isWrite(method) && !PLATFORM_OWN_PATHS.some((base) => within(path, base));
}

/** Pages where an active grant narrows the admin's scope to the granted tenant. */
export function scopedByGrant(path: string): boolean {
	return !within(path, '/platform');
}

export function isActive(
	grant: ActAsGrant | null | undefined,
	now = new Date()
): grant is ActAsGrant {
	return Boolean(grant && grant.until > now);
}

export type StartResult =
	{ ok: true; until: Date; tenantName: string } | { ok: false; reason: 'unknown_tenant' };

export async function startActingAs(input: {
	admin: SessionUser;
	sessionId: string;
	tenantId: string;
	reason: string;
	ip?: string;
	now?: Date;
}): Promise<StartResult> {
	const { admin } = input;
	const now = input.now ?? new Date();
	const until = new Date(now.getTime() + ACT_AS_MS);
	const actor = auditActor(admin, input.ip);
	return withTenant(admin.tenantId, async (tx) => {
		const tenant = await getTenant(tx, input.tenantId);
		// The platform's own tenant is not "another tenant": there is nothing to act as.
		if (!tenant || tenant.id === admin.tenantId)
			return { ok: false, reason: 'unknown_tenant' } as const;
		await tx
			.update(sessions)
			.set({ actAsTenantId: tenant.id, actAsReason: input.reason, actAsUntil: until })
			.where(and(eq(sessions.id, input.sessionId), eq(sessions.userId, admin.id)));
		const detail = { reason: input.reason, until: until.toISOString() };
		await writeAudit(tx, {
			tenantId: tenant.id,
			actor,
			action: 'platform.act_as_start',
			target: tenant.slug,
			detail
		});
		await writeAudit(tx, {
			tenantId: admin.tenantId,
			actor,
			action: 'platform.act_as_start',
			target: tenant.slug,
			detail: { ...detail, tenantId: tenant.id }
		});
		return { ok: true, until, tenantName: tenant.name } as const;
	});
}

export type StopCause = 'stopped' | 'expired' | 'logout';

/**
 * Ends the session's grant, if it still has one, and audits the end in both logs. Two requests
 * that both find a grant expired audit it once: only the one that clears the row writes.
 */
export async function stopActingAs(input: {
	admin: SessionUser;
	sessionId: string;
	cause: StopCause;
	ip?: string;
}): Promise<boolean> {
	const { admin } = input;
	const actor = auditActor(admin, input.ip);
	return withTenant(admin.tenantId, async (tx) => {
		const [row] = await tx
			.select({
				tenantId: sessions.actAsTenantId,
				reason: sessions.actAsReason,
				until: sessions.actAsUntil
			})
			.from(sessions)
			.where(
				and(
					eq(sessions.id, input.sessionId),
					eq(sessions.userId, admin.id),
					isNotNull(sessions.actAsTenantId)
				)
			)
			.for('update');
		if (!row?.tenantId) return false;
		await tx
			.update(sessions)
			.set({ actAsTenantId: null, actAsReason: null, actAsUntil: null })
			.where(eq(sessions.id, input.sessionId));
		const tenant = await getTenant(tx, row.tenantId);
		const action = input.cause === 'expired' ? 'platform.act_as_expire' : 'platform.act_as_stop';
		const detail = { reason: row.reason, until: row.until?.toISOString(), cause: input.cause };
		if (tenant)
			await writeAudit(tx, { tenantId: tenant.id, actor, action, target: tenant.slug, detail });
		await writeAudit(tx, {
			tenantId: admin.tenantId,
			actor,
			action,
			target: tenant?.slug ?? row.tenantId,
			detail: { ...detail, tenantId: row.tenantId }
		});
		return true;
	});
}

/** One write made under a grant, in the tenant's log: what the platform changed there, and when. */
export async function auditGrantedWrite(input: {
	admin: SessionUser;
	grant: ActAsGrant;
	method: string;
	path: string;
	action: string | null;
	status: number;
	ip?: string;
}): Promise<void> {
	const { admin, grant } = input;
	await withTenant(grant.tenantId, (tx) =>
		writeAudit(tx, {
			tenantId: grant.tenantId,
			actor: auditActor(admin, input.ip),
			action: 'platform.act_as_write',
			target: input.path,
			detail: { method: input.method, action: input.action, status: input.status }
		})
	);
}

/** The name of the tenant a grant is for, for the banner. */
export async function grantTenantName(
	admin: SessionUser,
	grant: ActAsGrant
): Promise<string | null> {
	const tenant = await withTenant(admin.tenantId, (tx) => getTenant(tx, grant.tenantId));
	return tenant?.name ?? null;
}
