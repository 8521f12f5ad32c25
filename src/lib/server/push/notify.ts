/**
 * Queuing notifications, inside the transaction of the event they tell of: the in-app rows (one per
 * staff member told) and the push outbox rows (one per device that wants that kind) are written
 * with the payment, so a payment that rolls back tells nobody, and one that commits is sent even if
 * the process dies right after. Sending happens after the commit (sender.ts), never in the payment's
 * transaction. Each function is one statement, so a batch of callbacks costs one more statement.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterCommit, executeNamed, type Tx } from '../db';

const wakes = new Set<() => void>();

/** A sender of this process asks to be woken when notifications are queued; returns the way to stop. */
export function onNotificationsQueued(wake: () => void): () => void {
	wakes.add(wake);
	return () => wakes.delete(wake);
}

function notificationsQueued(): void {
	afterCommit(() => wakes.forEach((wake) => wake()));
}

export interface PaymentNotice {
	/** Null for cash (a ledger entry, not an M-Pesa payment). */
	paymentId: string | null;
	/** Null: a paybill payment that names no subscriber (managers are told it is unmatched). */
	subscriberId: string | null;
	amountKes: number;
	/** The M-Pesa code, or the cash receipt number. */
	receipt: string | null;
	via: 'mpesa' | 'cash';
	/** What the payer typed as the account (unmatched payments). */
	account?: string | null;
}

/**
 * The recipients' rows, from a `notices(n, kind, user_id, data, url)`-shaped query; then the
 * deliveries for their devices that want the kind.
 */
const fanOut = (tenantId: string, notices: SQL) => sql`
	n as (
		insert into notifications (tenant_id, user_id, kind, data, url)
		select ${tenantId}::uuid, x.user_id, x.kind, x.data, x.url from (${notices}) x
		returning id, user_id, kind)
	insert into push_deliveries (tenant_id, notification_id, subscription_id)
	select ${tenantId}::uuid, n.id, ps.id from n
	join push_subscriptions ps on ps.tenant_id = ${tenantId}::uuid and ps.user_id = n.user_id and n.kind = any(ps.kinds)`;

/** Active managers of exactly this tenant (a scope also sees its sub-tenants' staff). */
const managers = (tenantId: string) =>
	sql`select u.id, u.role from users u where u.tenant_id = ${tenantId}::uuid and u.role = 'tenant_admin' and u.disabled_at is null`;

/**
 * Money in: the agent who registered the subscriber and the tenant's managers are told, with the
 * subscriber, the amount and the M-Pesa code; a payment that names no subscriber tells managers it
 * is unmatched.
 */
export async function notifyPayments(
	tx: Tx,
	tenantId: string,
	paid: PaymentNotice[]
): Promise<void> {
	if (paid.length === 0) return;
	const rows = paid.map((p) => ({
		payment_id: p.paymentId,
		subscriber_id: p.subscriberId,
		amount: p.amountKes,
		receipt: p.receipt,
		via: p.via,
		account: p.account?.slice(0, 40) ?? null
	}));
	await executeNamed(
		tx,
		'push_notify_payments',
		sql`with v as (
			select v.*, s.name, s.account_number, s.registered_by
			from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
				as v(payment_id uuid, subscriber_id uuid, amount int, receipt text, via text, account text)
			left join subscribers s on s.id = v.subscriber_id and s.tenant_id = ${tenantId}::uuid),
		told as (
			select v.*, u.id as user_id, u.role from v
			join users u on u.tenant_id = ${tenantId}::uuid and u.disabled_at is null
				and ((u.role = 'tenant_admin')
				  or (v.name is not null and u.id = v.registered_by))),
		${fanOut(
			tenantId,
			sql`select t.user_id,
				case when t.name is null then 'unmatched_payment' else 'payment' end as kind,
				jsonb_build_object('subscriber', left(t.name, 60), 'account', coalesce(t.account_number, t.account),
					'amount', t.amount, 'receipt', t.receipt, 'via', t.via) as data,
				case when t.name is null then coalesce('/manage/payments/' || t.payment_id, '/manage/payments')
				     when t.role = 'tenant_admin' then '/manage/subscribers/' || t.subscriber_id
				     else '/agent/subscribers?q=' || t.account_number end as url
			from told t`
		)}`
	);
	notificationsQueued();
}

/** Managers are told of each router (tenant, id, name) that has been unreachable too long. */
export async function notifyRoutersOffline(
	tx: Tx,
	tenantId: string,
	routers: { id: string; name: string; downSince: Date }[]
): Promise<void> {
	if (routers.length === 0) return;
	const rows = routers.map((r) => ({ id: r.id, name: r.name, since: r.downSince.toISOString() }));
	await tx.execute(sql`with r as (
			select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, name text, since text)),
		${fanOut(
			tenantId,
			sql`select m.id as user_id, 'router_offline' as kind,
				jsonb_build_object('router', left(r.name, 60), 'since', r.since) as data,
				'/manage/routers/' || r.id as url
			from r cross join (${managers(tenantId)}) m`
		)}`);
	notificationsQueued();
}

/** Managers are told of router jobs given up on (parked as failed). */
export async function notifyJobsFailed(
	tx: Tx,
	tenantId: string,
	jobs: { id: number; routerName: string; subscriberName: string | null; error: string | null }[]
): Promise<void> {
	if (jobs.length === 0) return;
	const rows = jobs.map((j) => ({
		id: j.id,
		router: j.routerName.slice(0, 60),
		subscriber: j.subscriberName?.slice(0, 60) ?? null,
		error: j.error?.slice(0, 120) ?? null
	}));
	await tx.execute(sql`with j as (
			select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as j(id bigint, router text, subscriber text, error text)),
		${fanOut(
			tenantId,
			sql`select m.id as user_id, 'job_failed' as kind,
				jsonb_build_object('job', j.id, 'router', j.router, 'subscriber', j.subscriber, 'error', j.error) as data,
				'/manage/jobs' as url
			from j cross join (${managers(tenantId)}) m`
		)}`);
	notificationsQueued();
}
