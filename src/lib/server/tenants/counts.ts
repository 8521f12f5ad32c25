/**
 * How many staff and subscribers each tenant has, as the scope sees them.
 *
 * Counted with one grouped query per table rather than a correlated subquery in the tenant list:
 * drizzle writes the columns of a one-table select without their table name, so a subquery's
 * `u.tenant_id = ${tenants.id}` became `u.tenant_id = "id"`, which Postgres read as the user's own
 * id, and every tenant had "0 staff". Row-level security decides what is counted: a scope counts
 * its own tenant and its descendants, never a parent or a sibling.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { subscribers, users } from '../db/schema';

export interface TenantCounts {
	staff: number;
	agents: number;
	subscribers: number;
	/** Subscribers whose package is running now. */
	active: number;
}

export const NO_COUNTS: TenantCounts = Object.freeze({
	staff: 0,
	agents: 0,
	subscribers: 0,
	active: 0
});

/** The counts of each of `tenantIds` (tenants outside the scope count nothing). */
export async function countsByTenant(
	tx: Tx,
	tenantIds: readonly string[]
): Promise<Map<string, TenantCounts>> {
	const counts = new Map<string, TenantCounts>(tenantIds.map((id) => [id, { ...NO_COUNTS }]));
	if (tenantIds.length === 0) return counts;
	const ids = [...tenantIds];
	const [staff, customers] = await Promise.all([
		tx
			.select({
				tenantId: users.tenantId,
				staff: sql<number>`count(*)::int`,
				agents: sql<number>`(count(*) filter (where ${users.role} = 'agent'))::int`
			})
			.from(users)
			.where(inArray(users.tenantId, ids))
			.groupBy(users.tenantId),
		tx
			.select({
				tenantId: subscribers.tenantId,
				subscribers: sql<number>`count(*)::int`,
				active: sql<number>`(count(*) filter (where ${subscribers.status} = 'active'))::int`
			})
			.from(subscribers)
			.where(inArray(subscribers.tenantId, ids))
			.groupBy(subscribers.tenantId)
	]);
	for (const row of staff)
		Object.assign(counts.get(row.tenantId)!, { staff: row.staff, agents: row.agents });
	for (const row of customers)
		Object.assign(counts.get(row.tenantId)!, { subscribers: row.subscribers, active: row.active });
	return counts;
}
