/**
 * STK callbacks applied in batches: when many arrive at once (a promotion, the end of the month),
 * the ones waiting are applied together in one transaction: one statement reads and locks their
 * payments and wallets, one statement settles them all (payment rows, ledger credits, package
 * purchases, renewals, router jobs). A burst then costs a few round trips and one commit, instead
 * of ~20 round trips and a commit per callback. Each callback keeps its own outcome and answer,
 * and nothing is answered before the commit.
 *
 * Only the common case takes the set-based path: a known payment settled for the first time.
 * Anything unusual (an unknown request, a second copy in the same batch, a wrong amount, a second
 * payment for the same wallet in the batch, a receipt to add to a payment settled by query) goes
 * through the one-at-a-time `slow` path, in the same transaction. A receipt that another payment
 * already holds (which Safaricom never sends for two pushes) trips the receipt's unique key: the
 * batch rolls back and each of its callbacks is applied again on its own (stk-callback-batch.ts).
 */
import { sql } from 'drizzle-orm';
import { executeNamed, rowsOf, type Tx } from '../db';
import type { CallbackOutcome, Payment } from '../db/schema';
import type { StkCallback } from '../mpesa/parse-callbacks';
import { forSaleSql, packageToBuySql, renewalAssignmentsSql } from '../billing/renewals';
import { jobsQueued } from '../network/jobs';
import { notifyPayments } from '../push/notify';

export interface StkBatchItem {
	callbackId: number;
	callback: StkCallback;
	paymentHint: string | null;
}

export interface StkBatchResult {
	outcome: CallbackOutcome;
	paymentId: string | null;
	note: string | null;
	reference: string;
	provisioned: boolean;
}

type Slow = (item: StkBatchItem) => Promise<StkBatchResult>;

const json = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;

interface Found {
	id: string;
	checkout_request_id: string;
	status: Payment['status'];
	subscriber_id: string | null;
	amount_kes: number;
	receipt: string | null;
}

/**
 * Reads and locks the batch's payments and their subscribers, in CheckoutRequestID order (every
 * batch locks in that order, so two batches cannot deadlock): wallet changes for one subscriber
 * queue up behind that lock, as in billing/wallet.ts. Called before the settling statement, so
 * that statement's snapshot sees every wallet entry committed before the locks.
 *
 * Each id is looked up on its own (a LATERAL subquery that cannot be flattened), so the plan is a
 * unique-index probe per callback whatever the table statistics say, and stays so when the
 * statement's plan is cached. The tenant check sits outside the subquery for the same reason: it
 * must not tempt the planner into walking the tenant's payments.
 */
export async function lockBatchPayments(
	tx: Tx,
	tenantId: string,
	items: StkBatchItem[]
): Promise<Map<string, Found>> {
	const ids = [...new Set(items.map((item) => item.callback.checkoutRequestId))].sort();
	const rows = rowsOf<Found>(
		await executeNamed(
			tx,
			'stk_batch_lock',
			sql`select p.id, p.checkout_request_id, p.status, p.subscriber_id, p.amount_kes, p.receipt
				from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) with ordinality as v(id, n)
				cross join lateral (
					select p.id, p.tenant_id, p.checkout_request_id, p.status, p.subscriber_id, p.amount_kes, p.receipt
					from payments p join subscribers s on s.id = p.subscriber_id
					where p.checkout_request_id = v.id
					offset 0
					for update of p, s) p
				where p.tenant_id = ${tenantId}
				order by v.n`
		)
	);
	return new Map(
		rows.map((r) => [r.checkout_request_id, { ...r, amount_kes: Number(r.amount_kes) }])
	);
}

/**
 * Applies a batch; `slow` handles what the set-based path leaves out. Results are in item order.
 * `storeSettled` gets the outcomes known before the settling statement runs and is run alongside it
 * (pipelined on the same connection), so keeping the bodies costs no extra round trip. When nothing
 * takes the slow path, which is the usual batch, `commit` goes out with them too: the statements it
 * follows are then the transaction's last, and storeSettled has stored every outcome.
 */
export async function applyStkBatch(
	tx: Tx,
	tenantId: string,
	items: StkBatchItem[],
	found: Map<string, Found>,
	slow: Slow,
	storeSettled: (settled: { index: number; result: StkBatchResult }[]) => Promise<unknown>,
	commit: () => Promise<void>
): Promise<StkBatchResult[]> {
	const results = new Array<StkBatchResult | undefined>(items.length);
	const seenCheckout = new Set<string>();
	const seenReceipt = new Set<string>();
	const seenSubscriber = new Set<string>();
	const slowItems: number[] = [];
	const failures: { index: number; id: string; code: number; descr: string }[] = [];
	const successes: {
		index: number;
		id: string;
		receipt: string | null;
		descr: string;
		sid: string;
		amount: number;
		ref: string;
	}[] = [];

	items.forEach((item, index) => {
		const { callback } = item;
		const payment = found.get(callback.checkoutRequestId);
		const first = !seenCheckout.has(callback.checkoutRequestId);
		seenCheckout.add(callback.checkoutRequestId);
		if (!payment || !first) return slowItems.push(index);
		const done = (outcome: CallbackOutcome, note: string | null) =>
			(results[index] = {
				outcome,
				paymentId: payment.id,
				note,
				reference: callback.checkoutRequestId,
				provisioned: false
			});
		if (callback.resultCode !== 0) {
			if (payment.status !== 'pending') return done('duplicate', `already ${payment.status}`);
			return failures.push({
				index,
				id: payment.id,
				code: callback.resultCode,
				descr: callback.resultDesc
			});
		}
		const receipt = callback.receipt ?? null;
		if (payment.status === 'succeeded' && receipt !== null && payment.receipt === receipt)
			return done('duplicate', 'already succeeded');
		const settleable = payment.status === 'pending' || payment.status === 'failed';
		const amountOk = callback.amount === undefined || callback.amount === payment.amount_kes;
		const receiptFree = receipt === null || !seenReceipt.has(receipt);
		// A success without a receipt (parseStkCallback refuses one today) would need matching with
		// its paybill confirmation (same-transaction.ts): the slow path does that.
		if (
			!settleable ||
			!amountOk ||
			!receiptFree ||
			receipt === null ||
			!payment.subscriber_id ||
			seenSubscriber.has(payment.subscriber_id)
		)
			return slowItems.push(index);
		seenSubscriber.add(payment.subscriber_id);
		if (receipt) seenReceipt.add(receipt);
		successes.push({
			index,
			id: payment.id,
			receipt,
			descr: callback.resultDesc,
			sid: payment.subscriber_id,
			amount: payment.amount_kes,
			ref: receipt ?? callback.checkoutRequestId
		});
	});

	for (const f of failures)
		results[f.index] = {
			outcome: 'applied',
			paymentId: f.id,
			note: null,
			reference: items[f.index]!.callback.checkoutRequestId,
			provisioned: false
		};
	for (const s of successes)
		results[s.index] = {
			outcome: 'applied',
			paymentId: s.id,
			note: null,
			reference: items[s.index]!.callback.checkoutRequestId,
			provisioned: false
		};
	const settled = results.flatMap((result, index) => (result ? [{ index, result }] : []));
	const [settleAnswer] = await Promise.all([
		failures.length > 0 || successes.length > 0
			? executeNamed(
					tx,
					`stk_batch_settle_${failures.length > 0 ? 'f' : ''}${successes.length > 0 ? 's' : ''}`,
					settleStatement(tenantId, failures, successes)
				)
			: Promise.resolve(null),
		// Sent right behind the settling statement, in the same transaction and round trip.
		notifyPayments(
			tx,
			tenantId,
			successes.map((s) => ({
				paymentId: s.id,
				subscriberId: s.sid,
				amountKes: s.amount,
				receipt: s.receipt,
				via: 'mpesa' as const
			}))
		),
		storeSettled(settled),
		slowItems.length === 0 ? commit() : Promise.resolve()
	]);
	if (settleAnswer) {
		const [row] = rowsOf<{ jobs: string[] | string }>(settleAnswer);
		const jobs = new Set<string>(
			typeof row?.jobs === 'string' ? JSON.parse(row.jobs) : (row?.jobs ?? [])
		);
		for (const s of successes) results[s.index]!.provisioned = jobs.has(s.sid);
		if (jobs.size > 0) jobsQueued();
	}
	for (const index of slowItems.sort((a, b) => a - b)) results[index] = await slow(items[index]!);
	return results.map((r) => r!);
}

/**
 * One statement: failed pushes marked failed; paid pushes marked succeeded, credited, and — where
 * the wallet (its balance, read under the lock taken before this statement, plus this credit)
 * covers the chosen package or the plan — the package bought and the subscriber renewed by the same
 * SQL as renewSubscription (billing/renewals.ts), and the router job queued;
 * each payment keeps what it bought and the balance it left. The same rules as settleSucceeded +
 * creditAndBuy (settle.ts) and buyPackage + renewSubscription, for many distinct wallets at once.
 * A batch without failures (the usual one) or without successes leaves that part out: each part
 * costs Postgres its plan nodes and policy checks even when it has no rows.
 */
function settleStatement(tenantId: string, failures: unknown[], successes: unknown[]) {
	const failing = sql`
		failed as (
			update payments p set status = 'failed', result_code = f.code, result_desc = f.descr, settled_at = now(), next_query_at = null
			from jsonb_to_recordset(${json(failures)}) as f(id uuid, code int, descr text)
			where p.id = f.id and p.id = any(array(select (jsonb_array_elements(${json(failures)}) ->> 'id')::uuid)) returning p.id)`;
	if (successes.length === 0)
		return sql`with ${failing} select (select count(*) from failed) as failed, '[]'::json as jobs`;
	// The choice of package and the renewal of billing/renewals.ts, over the subscriber row `s`.
	const plan = { packageId: sql`s.package_id`, planPackageId: sql`s.plan_package_id` };
	const renewal = renewalAssignmentsSql(
		{
			...plan,
			status: sql`s.status`,
			expiresAt: sql`s.expires_at`
		},
		{
			id: sql`buy.pkg`,
			kind: sql`buy.kind`,
			validityUnit: sql`buy.validity_unit`,
			validityCount: sql`buy.validity_count`
		}
	);
	const paying = sql`
		v as (select * from jsonb_to_recordset(${json(successes)}) as v(id uuid, receipt text, descr text, sid uuid, amount int, ref text)),
		bal as (
			select l.subscriber_id, sum(l.amount_kes) as b from ledger_entries l
			where l.subscriber_id = any(array(select sid from v)) group by l.subscriber_id),
		buy as (
			select v.sid, pk.id as pkg, pk.kind, pk.price_kes, pk.validity_unit, pk.validity_count
			from v
			join payments p on p.id = v.id
			join subscribers s on s.id = v.sid
			join packages pk on pk.id = ${packageToBuySql(sql`p.package_id`, plan)} and pk.tenant_id = ${tenantId}
			left join bal on bal.subscriber_id = v.sid
			where ${forSaleSql({ id: sql`pk.id`, active: sql`pk.active` }, plan)} and coalesce(bal.b, 0) + v.amount >= pk.price_kes),
		paid as (
			update payments p set status = 'succeeded', receipt = coalesce(v.receipt, p.receipt), result_code = 0, result_desc = v.descr,
				note = null, settled_at = now(), next_query_at = null,
				bought_package_id = buy.pkg, bought_price_kes = buy.price_kes, wallet_after_kes = coalesce(bal.b, 0) + v.amount - coalesce(buy.price_kes, 0)
			from v left join buy on buy.sid = v.sid left join bal on bal.subscriber_id = v.sid
			where p.id = v.id and p.id = any(array(select id from v)) returning p.id),
		-- Each wallet's credit, then its purchase: all credits come first, so ids keep that order.
		entries as (
			insert into ledger_entries (tenant_id, subscriber_id, kind, amount_kes, package_id, reference)
			select ${tenantId}::uuid, v.sid, 'payment', v.amount, null::uuid, v.ref from v
			union all
			select ${tenantId}::uuid, buy.sid, 'purchase', -buy.price_kes, buy.pkg, buy.pkg::text from buy
			returning kind),
		renewed as (
			update subscribers s set ${renewal}, updated_at = now()
			from buy where s.id = buy.sid and s.id = any(array(select sid from buy)) returning s.id, s.router_id),
		jobs as (
			insert into provisioning_jobs (tenant_id, router_id, action, subscriber_id)
			select ${tenantId}::uuid, renewed.router_id, 'sync_subscriber', renewed.id from renewed where renewed.router_id is not null
			returning subscriber_id)`;
	const counts = sql`(select count(*) from entries) as entries, coalesce((select json_agg(subscriber_id) from jobs), '[]'::json) as jobs`;
	if (failures.length === 0) return sql`with ${paying} select ${counts}`;
	return sql`with ${failing}, ${paying} select (select count(*) from failed) as failed, ${counts}`;
}
