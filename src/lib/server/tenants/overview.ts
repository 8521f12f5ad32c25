/**
 * A tenant's home: itself, its sub-tenants rolled up, its team and its latest activity.
 * Runs inside a scope; row-level security decides what is there to count.
 */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { auditLog, tenants } from '../db/schema';
import { auditEntryFields, writeAudit, type AuditActor } from '../audit';
import { getTenant } from './tenants';
import { NO_COUNTS, countsByTenant, type TenantCounts } from './counts';

export async function tenantOverview(tx: Tx, tenantId: string) {
	const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
	if (!tenant) return null;
	const inSubtree = sql`${tenantId}::uuid = any(${tenants.path})`;
	const children = await tx
		.select({ id: tenants.id, name: tenants.name, slug: tenants.slug, kind: tenants.kind })
		.from(tenants)
		.where(and(inSubtree, ne(tenants.id, tenantId)))
		.orderBy(tenants.name);
	const counts = await countsByTenant(tx, [tenantId, ...children.map((t) => t.id)]);
	const subTenants = children.map((t) => ({ ...t, ...counts.get(t.id)! }));
	// The tenant's own people and customers together with those of everything below it.
	const totals = [...counts.values()].reduce<TenantCounts>(
		(sum, c) => ({
			staff: sum.staff + c.staff,
			agents: sum.agents + c.agents,
			subscribers: sum.subscribers + c.subscribers,
			active: sum.active + c.active
		}),
		{ ...NO_COUNTS }
	);
	const activity = await tx
		.select({ ...auditEntryFields, tenantName: tenants.name })
		.from(auditLog)
		.innerJoin(tenants, eq(tenants.id, auditLog.tenantId))
		.where(inSubtree)
		.orderBy(desc(auditLog.createdAt))
		.limit(8);
	return {
		tenant: {
			id: tenant.id,
			name: tenant.name,
			slug: tenant.slug,
			kind: tenant.kind,
			brandColor: tenant.brandColor,
			timezone: tenant.timezone,
			createdAt: tenant.createdAt
		},
		subTenants,
		totals,
		activity
	};
}

export type TenantOverview = NonNullable<Awaited<ReturnType<typeof tenantOverview>>>;

/**
 * The platform admin's drill-down into a tenant: every look is written to that tenant's audit log
 * first (platform.drilldown), then the overview is read in a READ ONLY transaction. Undefined (or
 * null) when there is no such tenant.
 */
export async function drilldown(
	scopeTenantId: string,
	tenantId: string,
	actor: AuditActor,
	path: string
) {
	const found = await withTenant(scopeTenantId, async (tx) => {
		const tenant = await getTenant(tx, tenantId);
		if (tenant)
			await writeAudit(tx, {
				tenantId: tenant.id,
				actor,
				action: 'platform.drilldown',
				target: tenant.slug,
				detail: { path }
			});
		return tenant;
	});
	if (!found) return undefined;
	return withTenant(found.id, (tx) => tenantOverview(tx, found.id), { readOnly: true });
}
