/**
 * A year of payments, written as the app writes them (payments/settle.ts, billing/wallet.ts,
 * payments/manage.ts): for each settled M-Pesa payment the payments row with what it bought and
 * the wallet after, a ledger 'payment' credit (reference: the receipt) and a 'purchase' debit
 * (reference: the package); for cash a ledger 'cash' credit (reference: the C-XXXXXX receipt) and
 * its purchase, audited as payment.cash; a few cash entries recorded by mistake and reversed
 * ('reversal', reference entry:<id>, audited); paybill payments whose account matched nobody,
 * most of them later assigned by the manager (payment.assign); failed and pending pushes; router
 * jobs for the last three days' renewals. Then each subscriber's expiry and status from their last
 * purchase.
 *
 * Rhythm: per tenant, kind and Nairobi day, the expected count follows the subscribers who existed
 * then, the weekday (Friday to Sunday busier), paydays (the last days and first days of a month)
 * and, within the day, the hour (a morning bump, an evening peak at 19-21 h). Generated in 30-day
 * chunks into a working table, then inserted with plain INSERTs, so triggers on the money tables
 * (rollups) see every row.
 */
import type postgres from 'postgres';
import { existingBy } from './customers';
import { SEED_SCHEMA as S } from './logins';

/** Relative weight of each Nairobi hour, 0 h to 23 h. */
const HOURS = [
	0.8, 0.4, 0.25, 0.2, 0.25, 0.5, 1.2, 2, 2.2, 1.8, 1.6, 1.6, 1.9, 1.8, 1.6, 1.6, 1.8, 2.3, 3, 3.6,
	3.8, 3.4, 2.4, 1.5
];
/** Monday first, as ISO day numbers 1-7. */
const WEEKDAY = [0.92, 0.9, 0.92, 0.95, 1.1, 1.2, 1.05];
/** Home lines are paid about once a month; hotspot users come back often (calibrated to the total). */
const PPPOE_PER_MONTH = 0.9;
const CHUNK_DAYS = 30;

/**
 * Runs a statement again when Postgres chose it as a deadlock victim: each statement is its own
 * transaction, so a victim wrote nothing. Two workers meet only in rows that triggers on the money
 * tables (rollups) may share between neighbouring days.
 */
async function retried<T>(statement: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await statement();
		} catch (error) {
			const code = (error as { code?: string }).code;
			if (attempt >= 5 || (code !== '40P01' && code !== '40001')) throw error;
		}
	}
}

const NAIROBI_MS = 3 * 3_600_000;
const nairobiDate = (at: Date) => new Date(at.getTime() + NAIROBI_MS).toISOString().slice(0, 10);

/** Thresholds for width_bucket: the hour whose share of the day a uniform draw falls in. */
function hourThresholds(): number[] {
	const total = HOURS.reduce((a, b) => a + b, 0);
	let sum = 0;
	return HOURS.map((w) => {
		const start = sum / total;
		sum += w;
		return start;
	});
}

/** SQL for `length` characters of `alphabet` spelling the number `x` (a bijection of the counter). */
function spell(x: string, alphabet: string, length: number): string {
	const base = alphabet.length;
	return Array.from(
		{ length },
		(_, i) => `substr('${alphabet}', ((${x}) / ${base ** i} % ${base})::int + 1, 1)`
	).join(' || ');
}

/**
 * An M-Pesa receipt like "UCK4H7QX2P": the year's letter (2025 T, 2026 U), the month's (A-L), the
 * day (1-9, A-V), then seven characters from a bijection of the row's counter, so no two clash.
 */
const MPESA_CODE = `chr(82 + extract(year from at at time zone 'Africa/Nairobi')::int - 2023)
	|| chr(64 + extract(month from at at time zone 'Africa/Nairobi')::int)
	|| substr('123456789ABCDEFGHIJKLMNOPQRSTUV', extract(day from at at time zone 'Africa/Nairobi')::int, 1)
	|| ${spell('seq * 1000003 % 78364164096', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 7)}`;
/** A cash receipt like "C-4F7K2Q", from the alphabet of agent-sync/receipts.ts. */
const CASH_CODE = `'C-' || ${spell('seq * 7919 % 191102976', 'ACDEFGHJKMNPQRTUVWXY3479', 6)}`;

/** The days of the year with their weight (weekday and payday), averaging 1. */
async function writeDays(sql: postgres.Sql, start: Date, now: Date): Promise<void> {
	const days: { day: string; w: number }[] = [];
	for (let at = start.getTime(); nairobiDate(new Date(at)) <= nairobiDate(now); at += 86_400_000) {
		const day = nairobiDate(new Date(at));
		const date = new Date(`${day}T00:00:00Z`);
		const dom = date.getUTCDate();
		const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
		const payday = dom >= last - 2 || dom <= 3 ? 1.25 : dom === 15 || dom === 16 ? 1.1 : 1;
		days.push({ day, w: WEEKDAY[(date.getUTCDay() + 6) % 7]! * payday });
	}
	const mean = days.reduce((a, d) => a + d.w, 0) / days.length;
	await sql.unsafe(`create table ${S}.days (day date primary key, w float8 not null)`);
	await sql`insert into ${sql(S)}.days ${sql(days.map((d) => ({ day: d.day, w: d.w / mean })))}`;
}

/** Sets each plan's monthly payment rate so the year holds `total` payments (M-Pesa and cash). */
async function calibrate(
	sql: postgres.Sql,
	total: number,
	start: Date,
	now: Date
): Promise<number> {
	const rows = (await sql.unsafe(
		`select k.kind, sum(${existingBy('d.day', start, now)} * d.w / 30.44)::float8 as units
		from ${S}.plan_kind k cross join ${S}.days d group by k.kind`
	)) as { kind: string; units: number }[];
	const units = Object.fromEntries(rows.map((r) => [r.kind, r.units]));
	const hotspotRate = (total - PPPOE_PER_MONTH * (units.pppoe ?? 0)) / (units.hotspot ?? 1);
	await sql.unsafe(
		`update ${S}.plan_kind set rate = case kind when 'pppoe' then $1::float8 else $2::float8 end`,
		[PPPOE_PER_MONTH, hotspotRate]
	);
	return hotspotRate;
}

/** One chunk of days into `table`: every payment with its outcome, times and codes. */
function stageChunk(
	sql: postgres.Sql,
	table: string,
	from: string,
	to: string,
	start: Date,
	now: Date
) {
	return sql.unsafe(
		`create unlogged table ${table} as
		with cells as materialized (
			select k.t, k.tenant_id, k.kind, k.manager, k.shortcode, d.day, c.n_exist,
				floor(k.rate / 30.44 * d.w * c.n_exist + random())::int as cnt
			from ${S}.plan_kind k
			join ${S}.days d on d.day >= $1::date and d.day < $2::date
			cross join lateral (select ${existingBy('d.day', start, now)} as n_exist) c
		),
		drawn as materialized (
			select c.t, c.tenant_id, c.kind, c.manager, c.shortcode,
				floor(random() * c.n_exist)::int as ord,
				(c.day::timestamp + make_interval(hours => width_bucket(random(), $3::float8[]) - 1)
					+ random() * interval '1 hour') at time zone 'Africa/Nairobi' as at,
				random() as r1, random() as r2, random() as r3, random() as r4,
				nextval('${S}.codes') as seq
			from cells c cross join lateral generate_series(1, c.cnt)
		),
		typed as (
			select g.*, s.id as subscriber_id, s.account, s.phone, s.name, s.package_id, s.price,
				s.router_id, s.registered_by,
				case when g.kind = 'hotspot' then
					case when r1 < .55 then 'portal' when r1 < .65 then 'pay' when r1 < .70 then 'staff'
						when r1 < .95 then 'paybill' else 'cash' end
				else case when r1 < .15 then 'pay' when r1 < .22 then 'staff' when r1 < .85 then 'paybill'
					else 'cash' end end as channel
			from drawn g join ${S}.subs s on s.t = g.t and s.kind = g.kind and s.ord = g.ord
			where g.at < $4::timestamptz
		),
		decided as (
			select t.*,
				case channel when 'cash' then 'cash' when 'paybill' then 'c2b' else 'stk' end as source,
				case when channel = 'cash' then 'succeeded'
					when channel = 'paybill' then
						case when r2 < 0.0002 then 'flagged'
							when r2 < 0.03 then case when at < $4::timestamptz - interval '3 days' and r3 < 0.85
								then 'assigned' else 'unmatched' end
							else 'succeeded' end
					when at > $4::timestamptz - interval '3 minutes' then 'pending'
					when r2 < 0.885 then 'succeeded' else 'failed' end as outcome,
				channel = 'cash' and r3 < 0.004 as mistaken
			from typed t
		)
		select d.*,
			case when source = 'stk' then at + (6 + r4 * 30) * interval '1 second' else at end as settled_at,
			case when outcome = 'assigned' then at + (1 + r4 * 47) * interval '1 hour'
				when source = 'stk' then at + (6 + r4 * 30) * interval '1 second' else at end as credit_at,
			case when outcome = 'assigned' then manager
				when channel = 'cash' then case when r4 < 0.7 then registered_by else manager end end as credit_by,
			case when source = 'c2b' or (source = 'stk' and outcome = 'succeeded') then ${MPESA_CODE} end as receipt,
			case when channel = 'cash' then ${CASH_CODE} end as cash_receipt
		from decided d`,
		[from, to, hourThresholds(), now.toISOString()]
	);
}

/** The staged chunk into payments, the ledger, the audit log and the job queue. */
async function writeChunk(sql: postgres.Sql, table: string, now: Date): Promise<number> {
	const run = <T extends object = postgres.Row>(text: string, params: string[] = []) =>
		retried(() => sql.unsafe<T[]>(text, params));
	const at = now.toISOString();
	const [inserted] = await run<{ n: number }>(
		`with inserted as (
			insert into payments (tenant_id, source, channel, status, subscriber_id, package_id,
				bought_package_id, bought_price_kes, wallet_after_kes, phone, amount_kes, account_reference,
				shortcode, merchant_request_id, checkout_request_id, receipt, result_code, result_desc, note,
				payer_name, initiated_by, next_query_at, created_at, settled_at)
			select p.tenant_id, p.source, p.channel,
				case p.outcome when 'assigned' then 'succeeded' else p.outcome end,
				case when p.outcome not in ('unmatched', 'flagged') then p.subscriber_id end,
				case when p.source = 'stk' then p.package_id end,
				case when p.outcome in ('succeeded', 'assigned') then p.package_id end,
				case when p.outcome in ('succeeded', 'assigned') then p.price end,
				case when p.outcome in ('succeeded', 'assigned') then 0 end,
				-- A push goes to the subscriber's phone, now and then to a relative's; Safaricom masks a
				-- paybill payer's number.
				case when p.source = 'stk' then
					case when p.r3 < 0.06 then '2547' || lpad((p.seq * 7877 % 100000000)::text, 8, '0') else p.phone end
					else substr(p.phone, 1, 6) || '***' || right(p.phone, 3) end,
				p.price,
				case when p.outcome in ('unmatched', 'assigned') then '0' || substr(p.phone, 4) else p.account end,
				case when p.outcome = 'flagged' then '600000' else p.shortcode end,
				case when p.source = 'stk' then (10000 + p.seq % 89999) || '-' || (10000000 + p.seq * 31 % 89999999) || '-1' end,
				case when p.source = 'stk' then 'ws_CO_' || to_char(p.at at time zone 'Africa/Nairobi', 'DDMMYYYYHH24MISS')
					|| lpad(p.seq::text, 10, '0') end,
				p.receipt,
				case when p.outcome = 'pending' then null when p.outcome <> 'failed' then 0
					when p.r4 < .55 then 1032 when p.r4 < .8 then 1037 when p.r4 < .95 then 1 else 2001 end,
				case when p.outcome = 'pending' then null when p.source = 'c2b' then 'Pay Bill'
					when p.outcome <> 'failed' then 'The service request is processed successfully.'
					when p.r4 < .55 then 'Request Cancelled by user' when p.r4 < .8 then 'DS timeout user cannot be reached'
					when p.r4 < .95 then 'The balance is insufficient for the transaction'
					else 'The initiator information is invalid' end,
				case p.outcome when 'assigned' then 'Assigned by ' || m.name
					when 'unmatched' then 'Account "0' || substr(p.phone, 4) || '" matches no subscriber'
					when 'flagged' then 'Paid to shortcode 600000, which is not this tenant''s' end,
				case when p.source = 'c2b' then upper(split_part(p.name, ' ', 1)) end,
				case when p.channel = 'staff' then coalesce(p.registered_by, p.manager) end,
				case when p.outcome = 'pending' then p.at + interval '30 seconds' end,
				p.at,
				case when p.outcome <> 'pending' then p.settled_at end
			from ${table} p left join users m on m.id = p.manager
			where p.channel <> 'cash'
			order by p.at
			returning 1
		) select count(*)::int as n from inserted`
	);

	// The wallet: credit, then the purchase (not for cash recorded by mistake, reversed below).
	await run(
		`insert into ledger_entries (tenant_id, subscriber_id, kind, amount_kes, reference, package_id, recorded_by, created_at)
			select p.tenant_id, p.subscriber_id, e.kind, e.amount, e.reference, e.package_id, p.credit_by, p.credit_at
			from ${table} p
			cross join lateral (values
				(1, case when p.channel = 'cash' then 'cash' else 'payment' end, p.price, coalesce(p.receipt, p.cash_receipt), null::uuid),
				(2, 'purchase', -p.price, p.package_id::text, p.package_id)
			) e(n, kind, amount, reference, package_id)
			where p.outcome in ('succeeded', 'assigned') and (e.n = 1 or not p.mistaken)
			order by p.credit_at, p.seq, e.n`
	);

	await run(
		`insert into audit_log (tenant_id, actor_user_id, actor_name, action, target, detail, created_at)
		select l.tenant_id, l.recorded_by, u.name, 'payment.cash', l.subscriber_id::text,
			jsonb_build_object('amountKes', l.amount_kes, 'entryId', l.id, 'note', '', 'renewed', not p.mistaken,
				'receipt', l.reference),
			l.created_at
		from ${table} p
		join ledger_entries l on l.tenant_id = p.tenant_id and l.kind = 'cash' and l.reference = p.cash_receipt
		left join users u on u.id = l.recorded_by
		where p.channel = 'cash'
		order by l.created_at`
	);
	await run(
		`with reversed as (
			insert into ledger_entries (tenant_id, subscriber_id, kind, amount_kes, reference, recorded_by, note, created_at)
			select l.tenant_id, l.subscriber_id, 'reversal', -l.amount_kes, 'entry:' || l.id, p.manager,
				'Recorded twice by mistake', least($1::timestamptz, l.created_at + (5 + p.r4 * 55) * interval '1 minute')
			from ${table} p
			join ledger_entries l on l.tenant_id = p.tenant_id and l.kind = 'cash' and l.reference = p.cash_receipt
			where p.mistaken
			returning tenant_id, subscriber_id, reference, amount_kes, recorded_by, note, created_at
		)
		insert into audit_log (tenant_id, actor_user_id, actor_name, action, target, detail, created_at)
		select r.tenant_id, r.recorded_by, u.name, 'payment.reverse', r.subscriber_id::text,
			jsonb_build_object('reversedEntryId', substr(r.reference, 7)::bigint, 'amountKes', -r.amount_kes, 'note', r.note),
			r.created_at
		from reversed r left join users u on u.id = r.recorded_by`,
		[at]
	);
	await run(
		`insert into audit_log (tenant_id, actor_user_id, actor_name, action, target, detail, created_at)
		select p.tenant_id, p.manager, u.name, 'payment.assign', pay.id::text,
			jsonb_build_object('receipt', p.receipt, 'amountKes', p.price, 'subscriberId', p.subscriber_id,
				'accountNumber', p.account, 'billRef', '0' || substr(p.phone, 4)),
			p.credit_at
		from ${table} p
		join payments pay on pay.tenant_id = p.tenant_id and pay.receipt = p.receipt
		left join users u on u.id = p.manager
		where p.outcome = 'assigned'`
	);
	// Router jobs of the last three days' renewals (older finished jobs are left out of the seed).
	// A router that is down has the jobs queued since it went down waiting, or given up after an hour.
	await run(
		`insert into provisioning_jobs (tenant_id, router_id, action, subscriber_id, status, attempts, run_after,
			last_error, created_at, finished_at, failure_notified_at)
		select p.tenant_id, p.router_id, 'sync_subscriber', p.subscriber_id, j.status,
			case j.status when 'done' then 1 when 'failed' then 12 else 4 end,
			case j.status when 'pending' then $1::timestamptz + interval '2 minutes' else p.credit_at end,
			case when j.status <> 'done' then 'connect ETIMEDOUT ' || r.host || ':8728' end,
			p.credit_at,
			case when j.status <> 'pending' then p.credit_at + interval '1 second' end,
			case when j.status = 'failed' then p.credit_at + interval '1 hour' end
		from ${table} p
		join routers r on r.id = p.router_id
		cross join lateral (select case when r.down_since is null or p.credit_at < r.down_since then 'done'
			when p.credit_at < $1::timestamptz - interval '1 hour' then 'failed' else 'pending' end as status) j
		where p.outcome in ('succeeded', 'assigned') and not p.mistaken
			and p.credit_at > $1::timestamptz - interval '3 days'
		order by p.credit_at`,
		[at]
	);
	await run(
		`insert into ${S}.last_buy (subscriber_id, at)
		select subscriber_id, max(credit_at) from ${table}
		where outcome in ('succeeded', 'assigned') and not mistaken group by subscriber_id`
	);
	const [cash] = await run<{ c: number }>(
		`select count(*) filter (where channel = 'cash')::int as c from ${table}`
	);
	return inserted!.n + cash!.c;
}

export interface MoneyResult {
	payments: number;
	hotspotRatePerMonth: number;
}

export async function buildMoney(
	sql: postgres.Sql,
	total: number,
	window: { start: Date; now: Date },
	jobs: number,
	log: (line: string) => void
): Promise<MoneyResult> {
	const { start, now } = window;
	await writeDays(sql, start, now);
	const rate = await calibrate(sql, total, start, now);
	await sql.unsafe(`create sequence ${S}.codes;
		create unlogged table ${S}.last_buy (subscriber_id uuid not null, at timestamptz not null)`);
	const chunks: { from: string; to: string }[] = [];
	for (let day = start.getTime(); nairobiDate(new Date(day)) <= nairobiDate(now);) {
		const next = day + CHUNK_DAYS * 86_400_000;
		chunks.push({ from: nairobiDate(new Date(day)), to: nairobiDate(new Date(next)) });
		day = next;
	}
	let written = 0;
	// `jobs` chunks at once, each worker with its own working table (and, in the pool, connection).
	await Promise.all(
		Array.from({ length: jobs }, async (_, worker) => {
			const table = `${S}.pay_${worker}`;
			for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
				await retried(() => stageChunk(sql, table, chunk.from, chunk.to, start, now));
				written += await writeChunk(sql, table, now);
				await sql.unsafe(`drop table ${table}`);
				log(`  payments ${chunk.from} to ${chunk.to}: ${written.toLocaleString('en')} so far`);
			}
		})
	);
	// Each subscriber's package runs from their last purchase (renewals stack; near enough here).
	await sql.unsafe(
		`update subscribers s set
			expires_at = b.at + v.validity,
			status = case when abs(hashtext(s.id::text)) % 250 = 0 then 'suspended'
				when b.at + v.validity > $1::timestamptz then 'active' else 'expired' end,
			updated_at = b.at
		from (select subscriber_id, max(at) as at from ${S}.last_buy group by subscriber_id) b, packages p,
			lateral (select case p.validity_unit when 'minutes' then make_interval(mins => p.validity_count)
				when 'hours' then make_interval(hours => p.validity_count)
				when 'days' then make_interval(days => p.validity_count)
				else make_interval(months => p.validity_count) end as validity) v
		where s.id = b.subscriber_id and p.id = s.package_id`,
		[now.toISOString()]
	);
	return { payments: written, hotspotRatePerMonth: rate };
}
