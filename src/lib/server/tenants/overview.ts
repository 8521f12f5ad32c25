/**
 * A tenant's home: itself, its sub-tenants rolled up, its team and its latest activity.
 * Runs inside a scope; row-level security decides what is there to count.
 */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { auditLog, tenants, users } from '../db/schema';
import { auditEntryFields } from '../audit';

export async function tenantOverview(tx: Tx, tenantId: string) {
	const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
	if (!tenant) return null;
	const inSubtree = sql`${tenantId}::uuid = any(${tenants.path})`;
	const subTenants = await tx
		.select({
			id: tenants.id,
			name: tenants.name,
			slug: tenants.slug,
			kind: tenants.kind,
			staff: sql<number>`(select count(*)::int from ${users} u where u.tenant_id = ${tenants.id})`
		})
		.from(tenants)
		.where(and(inSubtree, ne(tenants.id, tenantId)))
		.orderBy(tenants.name);
	const [team] = await tx
		.select({
			own: sql<number>`count(*) filter (where ${users.tenantId} = ${tenantId})::int`,
			all: sql<number>`count(*)::int`,
			agents: sql<number>`count(*) filter (where ${users.role} = 'agent')::int`
		})
		.from(users)
		.where(sql`${users.tenantId} in (select id from tenants where ${inSubtree})`);
	const activity = await tx
		.select({ ...auditEntryFields, tenantName: tenants.name })
		.from(auditLog)
		.innerJoin(tenants, eq(tenants.id, auditLog.tenantId))
		.where(inSubtree)
		.orderBy(desc(auditLog.createdAt))
		.limit(8);
	return {
		tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, kind: tenant.kind, brandColor: tenant.brandColor, timezone: tenant.timezone, createdAt: tenant.createdAt },
		subTenants,
		team: team ?? { own: 0, all: 0, agents: 0 },
		activity
	};
}

export type TenantOverview = NonNullable<Awaited<ReturnType<typeof tenantOverview>>>;
