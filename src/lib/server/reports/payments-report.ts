/**
 * The payments report: every shilling that came in over a range of Nairobi days, M-Pesa payments
 * (STK pushes and paybill/till payments, whatever became of them) and cash taken by staff, newest
 * first, with its totals. Filters: method, status, the package bought, the agent (who registered
 * the payer for M-Pesa; who took the money for cash) and the site (the payer's router).
 *
 * Pages are keyset pages: each branch (payments, cash entries) walks its own (tenant, created_at)
 * index from the cursor and stops after one page, and the two are merged. A page costs the same on
 * the first day of the year and the last, and the CSV export reads the report page by page in short
 * transactions, so a slow phone downloading a year never holds a transaction (or its connection).
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, withTenant, type Tx } from '../db';
import { PAYMENT_STATUSES, type PaymentStatus } from '$lib/vocabulary';
import {
	PAYMENTS_QUERY_FIELDS,
	paymentsQuerySchema,
	queryFields,
	REPORT_METHODS,
	reportMethodLabel,
	type ReportMethod
} from '$lib/reports/payments-query';
import { paymentStatusLabel } from '$lib/components/payments/labels';
import { csvResponse, nairobiTimestamp } from './csv';
import { m } from '$lib/paraglide/messages';
import { fieldErrors, type FieldErrors } from '../http/form-parsing';
import { nairobiRange, thisMonthSoFar, type NairobiRange } from './period';

export interface PaymentsReportFilter {
	range: NairobiRange;
	method: ReportMethod | null;
	status: PaymentStatus | null;
	packageId: string | null;
	agentId: string | null;
	routerId: string | null;
}

/** Where a page ends: the last row's time (with microseconds) and key (`p:<uuid>` or `c:<id>`). */
export interface ReportCursor {
	at: string;
	key: string;
}

export interface PaymentsReportRow {
	key: string;
	at: Date;
	method: ReportMethod;
	status: PaymentStatus;
	amountKes: number;
	/** The M-Pesa receipt, or the cash receipt the customer was given. */
	receipt: string | null;
	phone: string | null;
	payerName: string | null;
	subscriberId: string | null;
	accountNumber: string | null;
	subscriberName: string | null;
	packageName: string | null;
	agentName: string | null;
	routerName: string | null;
	/** This row as the next page's cursor. */
	cursor: ReportCursor;
}

export interface PaymentsReportTotals {
	/** Rows the filter matches, whatever their status. */
	count: number;
	/** Money in among them: succeeded M-Pesa payments and cash. */
	receivedKes: number;
	receivedByMethod: Record<ReportMethod, number>;
}

const CURSOR_KEY = /^(?:p:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|c:\d{19})$/;
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** `<at>_<key>` in a URL; anything else is the first page. */
export function readReportCursor(value: string | null): ReportCursor | undefined {
	if (!value) return undefined;
	const split = value.indexOf('_');
	const at = value.slice(0, split);
	const key = value.slice(split + 1);
	if (split < 0 || !CURSOR_AT.test(at) || !CURSOR_KEY.test(key)) return undefined;
	const time = new Date(at);
	if (Number.isNaN(time.getTime()) || time.toISOString().slice(0, 19) !== at.slice(0, 19))
		return undefined;
	return { at, key };
}

export function writeReportCursor(cursor: ReportCursor): string {
	return `${cursor.at}_${cursor.key}`;
}

const cursorAtSql = (column: SQL) =>
	sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The two branches, each already limited to `limit` rows after the cursor (or unlimited for
 * totals), as one `union all` whose rows carry what the outer query needs.
 */
function branches(
	tenantId: string,
	filter: PaymentsReportFilter,
	page: { cursor?: ReportCursor; limit: number } | null
): SQL {
	const { range } = filter;
	const parts: SQL[] = [];
	const bySubscriber = filter.agentId !== null || filter.routerId !== null;

	const mpesa = filter.method !== 'cash';
	if (mpesa) {
		const where: SQL[] = [
			sql`p.tenant_id = ${tenantId}`,
			sql`p.created_at >= ${range.start.toISOString()}::timestamptz`,
			sql`p.created_at < ${range.end.toISOString()}::timestamptz`
		];
		if (filter.method === 'stk') where.push(sql`p.source = 'stk'`);
		if (filter.method === 'paybill') where.push(sql`p.source = 'c2b'`);
		if (filter.status) where.push(sql`p.status = ${filter.status}`);
		if (filter.packageId) where.push(sql`p.bought_package_id = ${filter.packageId}::uuid`);
		if (filter.agentId) where.push(sql`ps.registered_by = ${filter.agentId}::uuid`);
		if (filter.routerId) where.push(sql`ps.router_id = ${filter.routerId}::uuid`);
		if (page?.cursor) {
			const at = sql`${page.cursor.at}::timestamptz`;
			where.push(
				sql`p.created_at <= ${at} and (p.created_at < ${at} or 'p:' || p.id::text < ${page.cursor.key})`
			);
		}
		parts.push(sql`(select p.created_at as at, 'p:' || p.id::text as key,
				case p.source when 'stk' then 'stk' else 'paybill' end as method, p.status,
				p.amount_kes, p.receipt, p.phone, p.payer_name, p.subscriber_id,
				p.bought_package_id as package_id, null::uuid as agent_id
			from payments p
			${bySubscriber ? sql`join subscribers ps on ps.id = p.subscriber_id` : sql``}
			where ${sql.join(where, sql` and `)}
			${page ? sql`order by p.created_at desc, p.id desc limit ${page.limit}` : sql``})`);
	}

	// Cash is money in as it is recorded: it matches no other status, and buys no package by itself.
	const cash =
		(filter.method === null || filter.method === 'cash') &&
		(filter.status === null || filter.status === 'succeeded') &&
		filter.packageId === null;
	if (cash) {
		const where: SQL[] = [
			sql`l.tenant_id = ${tenantId}`,
			sql`l.kind = 'cash'`,
			sql`l.created_at >= ${range.start.toISOString()}::timestamptz`,
			sql`l.created_at < ${range.end.toISOString()}::timestamptz`
		];
		if (filter.agentId) where.push(sql`l.recorded_by = ${filter.agentId}::uuid`);
		if (filter.routerId) where.push(sql`cs.router_id = ${filter.routerId}::uuid`);
		if (page?.cursor) {
			const at = sql`${page.cursor.at}::timestamptz`;
			where.push(
				sql`l.created_at <= ${at} and (l.created_at < ${at} or 'c:' || lpad(l.id::text, 19, '0') < ${page.cursor.key})`
			);
		}
		parts.push(sql`(select l.created_at as at, 'c:' || lpad(l.id::text, 19, '0') as key,
				'cash' as method, 'succeeded' as status, l.amount_kes, l.reference as receipt,
				null::text as phone, null::text as payer_name, l.subscriber_id,
				null::uuid as package_id, l.recorded_by as agent_id
			from ledger_entries l
			${filter.routerId ? sql`join subscribers cs on cs.id = l.subscriber_id` : sql``}
			where ${sql.join(where, sql` and `)}
			${page ? sql`order by l.created_at desc, l.id desc limit ${page.limit}` : sql``})`);
	}

	if (parts.length === 0)
		parts.push(sql`(select null::timestamptz as at, null::text as key, null::text as method,
			null::text as status, null::int as amount_kes, null::text as receipt, null::text as phone,
			null::text as payer_name, null::uuid as subscriber_id, null::uuid as package_id,
			null::uuid as agent_id where false)`);
	return sql.join(parts, sql` union all `);
}

interface RawRow {
	key: string;
	at: string | Date;
	cursor_at: string;
	method: ReportMethod;
	status: PaymentStatus;
	amount_kes: number;
	receipt: string | null;
	phone: string | null;
	payer_name: string | null;
	subscriber_id: string | null;
	account_number: string | null;
	subscriber_name: string | null;
	package_name: string | null;
	agent_name: string | null;
	router_name: string | null;
}

/** One page of the report, newest first: `limit` rows after `cursor`. */
export async function paymentsReportPage(
	tx: Tx,
	tenantId: string,
	filter: PaymentsReportFilter,
	page: { cursor?: ReportCursor; limit: number }
): Promise<PaymentsReportRow[]> {
	const result = await tx.execute(sql`
		select r.key, r.at, ${cursorAtSql(sql`r.at`)} as cursor_at, r.method, r.status, r.amount_kes,
			r.receipt, coalesce(r.phone, s.phone) as phone, r.payer_name, r.subscriber_id,
			s.account_number, s.name as subscriber_name, pk.name as package_name,
			u.name as agent_name, rt.name as router_name
		from (${branches(tenantId, filter, page)}) r
		left join subscribers s on s.id = r.subscriber_id
		left join packages pk on pk.id = r.package_id
		left join users u on u.id = coalesce(r.agent_id, s.registered_by)
		left join routers rt on rt.id = s.router_id
		order by r.at desc, r.key desc
		limit ${page.limit}`);
	return rowsOf<RawRow>(result).map((row) => ({
		key: row.key,
		at: new Date(row.at),
		method: row.method,
		status: row.status,
		amountKes: Number(row.amount_kes),
		receipt: row.receipt,
		phone: row.phone,
		payerName: row.payer_name,
		subscriberId: row.subscriber_id,
		accountNumber: row.account_number,
		subscriberName: row.subscriber_name,
		packageName: row.package_name,
		agentName: row.agent_name,
		routerName: row.router_name,
		cursor: { at: row.cursor_at, key: row.key }
	}));
}

/** How many rows the filter matches and how much money came in among them. */
export async function paymentsReportTotals(
	tx: Tx,
	tenantId: string,
	filter: PaymentsReportFilter
): Promise<PaymentsReportTotals> {
	const result = await tx.execute(sql`
		select r.method, count(*)::int as n,
			coalesce(sum(r.amount_kes) filter (where r.status = 'succeeded'), 0)::bigint as received
		from (${branches(tenantId, filter, null)}) r
		group by r.method`);
	const totals: PaymentsReportTotals = {
		count: 0,
		receivedKes: 0,
		receivedByMethod: { stk: 0, paybill: 0, cash: 0 }
	};
	for (const row of rowsOf<{ method: ReportMethod; n: number; received: string | number }>(
		result
	)) {
		const received = Number(row.received);
		totals.count += Number(row.n);
		totals.receivedKes += received;
		totals.receivedByMethod[row.method] = received;
	}
	return totals;
}

/**
 * Every row of the report, page by page, each page in a transaction of its own: what the CSV
 * export streams. The next page is read only when the consumer asks for it.
 */
export async function* paymentsReportRows(
	tenantId: string,
	filter: PaymentsReportFilter,
	pageSize = 2000
): AsyncGenerator<PaymentsReportRow[]> {
	let cursor: ReportCursor | undefined;
	for (;;) {
		const rows = await withTenant(tenantId, (tx) =>
			paymentsReportPage(tx, tenantId, filter, { cursor, limit: pageSize })
		);
		if (rows.length > 0) yield rows;
		if (rows.length < pageSize) return;
		cursor = rows[rows.length - 1]!.cursor;
	}
}

export type PaymentsReportQuery =
	| { ok: true; filter: PaymentsReportFilter; fields: Record<string, string> }
	| { ok: false; errors: FieldErrors; fields: Record<string, string> };

/** The report a URL asks for: this month so far unless it names dates; field errors if it is wrong. */
export function readPaymentsReportQuery(
	params: URLSearchParams,
	now: Date = new Date()
): PaymentsReportQuery {
	const fields = queryFields(params, PAYMENTS_QUERY_FIELDS);
	const parsed = paymentsQuerySchema.safeParse(fields);
	if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error), fields };
	const query = parsed.data;
	const month = thisMonthSoFar(now);
	const range = nairobiRange(query.from ?? month.from, query.to ?? month.to);
	if (!range) return { ok: false, errors: { to: m.reports_error_order() }, fields };
	return {
		ok: true,
		fields: { ...fields, from: range.from, to: range.to },
		filter: {
			range,
			method: query.method ?? null,
			status: query.status ?? null,
			packageId: query.package ?? null,
			agentId: query.agent ?? null,
			routerId: query.router ?? null
		}
	};
}

export interface ReportChoices {
	packages: { id: string; name: string }[];
	agents: { id: string; name: string }[];
	routers: { id: string; name: string }[];
}

/** What the report's filters offer: the tenant's packages, staff and sites, by name. */
export async function reportChoices(tx: Tx, tenantId: string): Promise<ReportChoices> {
	const [packageRows, agentRows, routerRows] = [
		rowsOf<{ id: string; name: string }>(
			await tx.execute(
				sql`select id, name from packages where tenant_id = ${tenantId} order by name, id`
			)
		),
		rowsOf<{ id: string; name: string }>(
			await tx.execute(
				sql`select id, name from users where tenant_id = ${tenantId} and role <> 'platform_admin' order by name, id`
			)
		),
		rowsOf<{ id: string; name: string }>(
			await tx.execute(
				sql`select id, name from routers where tenant_id = ${tenantId} order by name, id`
			)
		)
	];
	return { packages: packageRows, agents: agentRows, routers: routerRows };
}

/** The whole report as a CSV download, read page by page as the client takes it. */
export function paymentsReportCsv(tenantId: string, filter: PaymentsReportFilter): Response {
	const header = [
		m.reports_col_time(),
		m.reports_col_method(),
		m.reports_col_status(),
		m.reports_col_amount(),
		m.reports_col_receipt(),
		m.reports_col_phone(),
		m.reports_col_payer(),
		m.reports_col_account(),
		m.reports_col_subscriber(),
		m.reports_col_package(),
		m.reports_col_agent(),
		m.reports_col_site()
	];
	// Words in the reader's language, looked up now: the rows are written after this request's
	// handler has returned, outside the context that knows the language.
	const methods = new Map(REPORT_METHODS.map((method) => [method, reportMethodLabel(method)]));
	const statuses = new Map(PAYMENT_STATUSES.map((status) => [status, paymentStatusLabel(status)]));
	async function* pages() {
		for await (const rows of paymentsReportRows(tenantId, filter))
			yield rows.map((row) => [
				nairobiTimestamp(row.at),
				methods.get(row.method) ?? row.method,
				statuses.get(row.status) ?? row.status,
				row.amountKes,
				row.receipt,
				row.phone,
				row.payerName,
				row.accountNumber,
				row.subscriberName,
				row.packageName,
				row.agentName,
				row.routerName
			]);
	}
	return csvResponse(`payments-${filter.range.from}-to-${filter.range.to}.csv`, header, pages());
}
