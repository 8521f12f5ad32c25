/**
 * Events found by looking rather than told at the moment: a router down for longer than the grace
 * time, and router jobs parked as failed. Each is claimed by marking its row in the same
 * transaction that queues the notifications (one outage, one failure: told once, whichever
 * process looks first); and the in-app list trimmed to the last 100 per user.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db';
import { KEPT_PER_USER } from './subscriptions';
import { notifyJobsFailed, notifyRoutersOffline } from './notify';

/** A router is announced offline after this long without answering. */
export const OFFLINE_AFTER_MS = 5 * 60_000;

const byTenant = <T extends { tenant_id: string }>(rows: T[]) => {
	const groups = new Map<string, T[]>();
	for (const row of rows) groups.set(row.tenant_id, [...(groups.get(row.tenant_id) ?? []), row]);
	return groups;
};

/**
 * In the platform's scope: every tenant's routers. Returns how many were announced. `now`: the
 * sender's clock when a test moves time on; the database's otherwise.
 */
export async function announceOfflineRouters(
	tx: Tx,
	offlineAfterMs = OFFLINE_AFTER_MS,
	now?: Date
) {
	const at = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
	const rows = rowsOf<{ tenant_id: string; id: string; name: string; down_since: string | Date }>(
		await tx.execute(sql`update routers set down_alerted_at = ${at}
			where down_since <= ${at} - make_interval(secs => ${offlineAfterMs / 1000})
			  and down_alerted_at is null and retired_at is null
			returning tenant_id, id, name, down_since`)
	);
	for (const [tenantId, down] of byTenant(rows))
		await notifyRoutersOffline(
			tx,
			tenantId,
			down.map((r) => ({ id: r.id, name: r.name, downSince: new Date(r.down_since) }))
		);
	return rows.length;
}

/** In the platform's scope: jobs parked as failed since the last look. */
export async function announceFailedJobs(tx: Tx, limit = 500) {
	const rows = rowsOf<{
		tenant_id: string;
		id: string | number;
		router_name: string;
		subscriber_name: string | null;
		last_error: string | null;
	}>(
		await tx.execute(sql`with due as (
				select tenant_id, id from provisioning_jobs
				where status = 'failed' and failure_notified_at is null
				order by id limit ${limit} for update skip locked),
			marked as (
				update provisioning_jobs j set failure_notified_at = now() from due
				where j.tenant_id = due.tenant_id and j.id = due.id
				returning j.tenant_id, j.id, j.router_id, j.subscriber_id, j.last_error)
			select m.tenant_id, m.id, r.name as router_name, s.name as subscriber_name, m.last_error
			from marked m join routers r on r.id = m.router_id
			left join subscribers s on s.id = m.subscriber_id`)
	);
	for (const [tenantId, jobs] of byTenant(rows))
		await notifyJobsFailed(
			tx,
			tenantId,
			jobs.map((j) => ({
				id: Number(j.id),
				routerName: j.router_name,
				subscriberName: j.subscriber_name,
				error: j.last_error
			}))
		);
	return rows.length;
}

/**
 * Keeps each user's last 100 notifications: only users with notifications newer than `sinceId`
 * are looked at. Returns the newest id seen, for the next call.
 */
export async function trimNotificationLists(tx: Tx, sinceId: number): Promise<number> {
	const [top] = rowsOf<{ max: string | number | null }>(
		await tx.execute(sql`select max(id) as max from notifications`)
	);
	const newest = Number(top?.max ?? 0);
	if (newest <= sinceId) return sinceId;
	await tx.execute(sql`with recent as (
			select distinct user_id from notifications where id > ${sinceId}),
		old as (
			select x.tenant_id, x.id from recent r cross join lateral (
				select n.tenant_id, n.id from notifications n where n.user_id = r.user_id
				order by n.id desc offset ${KEPT_PER_USER}) x)
		delete from notifications n using old where n.tenant_id = old.tenant_id and n.id = old.id`);
	// What could not be sent in a week will not be wanted.
	await tx.execute(
		sql`delete from push_deliveries where status = 'failed' and finished_at < now() - interval '7 days'`
	);
	return newest;
}
