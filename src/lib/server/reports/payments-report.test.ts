/**
 * The payments report on a small known data set: payments either side of midnight in Nairobi, a
 * paybill payment nobody's account matches, a cancelled prompt, cash taken by an agent, a payer
 * name that is a spreadsheet formula, and another tenant with the same customer's phone. Every
 * figure is written here by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { parse } from 'csv-parse/sync';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { SANDBOX } from '../../../../tools/sim/daraja/merchants';
import { OUTCOME_CODES } from '../../../../tools/sim/daraja/outcomes';
import { withTenant } from '../db';
import { createRouter } from '../network/routers';
import { registerSubscriber } from '../network/subscribers';
import { handleMpesaCallback } from '../payments/apply-callbacks';
import { recordCashPayment } from '../payments/manage';
import { paymentStatus, startStkPush } from '../payments/stk';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';
import { addStaff } from '../testing/staff';
import {
	paymentsReportCsv,
	paymentsReportPage,
	paymentsReportRows,
	paymentsReportTotals,
	readPaymentsReportQuery,
	type PaymentsReportFilter,
	type PaymentsReportRow
} from './payments-report';
import { nairobiRange } from './period';

let db: TestDatabase;
let daraja: DarajaSim;
let hooks: HookServer;
let isp: PaymentFixture;
let other: PaymentFixture;
let marketRouterId: string;
let agentId: string;
let wanjiku: { id: string; accountNumber: string; phone: string };
let otieno: { id: string; accountNumber: string; phone: string };

const SAME_PHONE = '254712345678';

/** Moves a row to the instant it happened in this story (the code under test stamps `now()`). */
async function happenedAt(table: 'payments' | 'ledger_entries', where: string, iso: string) {
	const statement = `update ${table} set created_at = '${iso}' where ${where}`;
	if (db.ownerUrl) {
		const owner = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
		await owner.unsafe(statement);
		await owner.end();
	} else await db.db.execute(sql.raw(statement));
}

async function paybill(fixture: PaymentFixture, fields: Record<string, string>) {
	const answer = await handleMpesaCallback({
		tenantId: fixture.tenantId,
		token: fixture.callbackToken,
		kind: 'c2b-confirmation',
		body: JSON.stringify({
			TransactionType: 'Pay Bill',
			TransTime: '20261201101010',
			BusinessShortCode: SANDBOX.shortcode,
			InvoiceNumber: '',
			OrgAccountBalance: '',
			ThirdPartyTransID: '',
			MiddleName: '',
			LastName: 'Doe',
			...fields
		}),
		contentType: 'application/json',
		remoteAddress: '127.0.0.1'
	});
	expect(answer.status).toBe(200);
}

async function prompt(subscriberId: string, phone: string, outcome: 'paid' | 'cancelled') {
	daraja.setOutcome(
		phone,
		outcome === 'paid' ? { resultCode: 0 } : { resultCode: OUTCOME_CODES.cancelled }
	);
	const started = await startStkPush({
		tenantId: isp.tenantId,
		subscriberId,
		packageId: isp.dailyId,
		channel: 'pay',
		callbackBase: hooks.url
	});
	await daraja.waitForSettled(started.checkoutRequestId!);
	for (let i = 0; i < 250; i++) {
		const row = await withTenant(isp.tenantId, (tx) => paymentStatus(tx, started.id));
		if (row && row.status !== 'pending') return row;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error('the prompt never settled');
}

const filter = (from: string, to: string, rest: Partial<PaymentsReportFilter> = {}) => ({
	range: nairobiRange(from, to)!,
	method: null,
	status: null,
	packageId: null,
	agentId: null,
	routerId: null,
	...rest
});

const page = (tenantId: string, f: PaymentsReportFilter, limit = 50) =>
	withTenant(tenantId, (tx) => paymentsReportPage(tx, tenantId, f, { limit }));
const totals = (tenantId: string, f: PaymentsReportFilter) =>
	withTenant(tenantId, (tx) => paymentsReportTotals(tx, tenantId, f));
const brief = (rows: PaymentsReportRow[]) =>
	rows.map((r) => `${r.method} ${r.status} ${r.amountKes} ${r.accountNumber ?? '-'}`);

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 5 });
	hooks = await startHookServer();
	isp = await paymentTenant({ slug: 'report-isp', darajaUrl: daraja.url });
	other = await paymentTenant({ slug: 'report-other', darajaUrl: daraja.url });
	const [agent] = await addStaff(isp.tenantId, [
		{ role: 'agent', name: 'Agent Achieng', phone: '254722000111' }
	]);
	agentId = agent!.id;
	marketRouterId = await withTenant(isp.tenantId, async (tx) => {
		const router = await createRouter(tx, isp.tenantId, {
			name: 'Market',
			host: '127.0.0.1',
			port: 2,
			tls: false,
			username: 'admin',
			password: '',
			hotspotServer: 'all'
		});
		return router.id;
	});
	const register = (name: string, phone: string, routerId: string, registeredBy: string | null) =>
		withTenant(isp.tenantId, async (tx) => {
			const { subscriber } = await registerSubscriber(tx, {
				tenantId: isp.tenantId,
				name,
				phone,
				kind: 'hotspot',
				routerId,
				packageId: isp.dailyId,
				registeredBy
			});
			return subscriber;
		});
	wanjiku = await register('Wanjiku Kamau', SAME_PHONE, isp.routerId, agentId);
	otieno = await register('Otieno Odhiambo', '254733222111', marketRouterId, null);
	await other.subscriber(SAME_PHONE, 'Wanjiku in another network');

	// 30 November, one second before midnight in Nairobi: Wanjiku pays KES 50 by paybill (her Daily).
	await paybill(isp, {
		TransID: 'TKA0000001',
		TransAmount: '50.00',
		BillRefNumber: wanjiku.accountNumber,
		MSISDN: SAME_PHONE,
		FirstName: 'Wanjiku'
	});
	await happenedAt('payments', `receipt = 'TKA0000001'`, '2026-11-30T20:59:59Z');
	// 1 December, midnight exactly: Otieno pays KES 10 by paybill (to his wallet), and his payer
	// name is a formula someone typed into M-Pesa.
	await paybill(isp, {
		TransID: 'TKA0000002',
		TransAmount: '10.00',
		BillRefNumber: otieno.accountNumber,
		MSISDN: otieno.phone,
		FirstName: '=HYPERLINK("http://evil.example")'
	});
	await happenedAt('payments', `receipt = 'TKA0000002'`, '2026-11-30T21:00:00Z');
	// 1 December, 10:00: KES 200 to an account nobody has.
	await paybill(isp, {
		TransID: 'TKA0000003',
		TransAmount: '200.00',
		BillRefNumber: 'NOSUCH',
		MSISDN: '254700999888',
		FirstName: 'Stranger'
	});
	await happenedAt('payments', `receipt = 'TKA0000003'`, '2026-12-01T07:00:00Z');
	// 2 December: Otieno pays KES 50 by prompt at 12:00; Wanjiku cancels hers at 12:30; at 18:00
	// the agent takes KES 100 cash from her.
	const paid = await prompt(otieno.id, otieno.phone, 'paid');
	await happenedAt('payments', `id = '${paid.id}'`, '2026-12-02T09:00:00Z');
	const cancelled = await prompt(wanjiku.id, SAME_PHONE, 'cancelled');
	await happenedAt('payments', `id = '${cancelled.id}'`, '2026-12-02T09:30:00Z');
	const cash = await withTenant(isp.tenantId, (tx) =>
		recordCashPayment(
			tx,
			{
				tenantId: isp.tenantId,
				subscriberId: wanjiku.id,
				amountKes: 100,
				note: '',
				receipt: 'C-0001'
			},
			{ userId: agentId, name: 'Agent Achieng' }
		)
	);
	await happenedAt('ledger_entries', `id = ${cash.entryId}`, '2026-12-02T15:00:00Z');
	// The other network's customer with the same phone pays KES 999 on 1 December.
	await paybill(other, {
		TransID: 'TKB0000001',
		TransAmount: '999.00',
		BillRefNumber: SAME_PHONE,
		MSISDN: SAME_PHONE,
		FirstName: 'Other'
	});
	await happenedAt('payments', `receipt = 'TKB0000001'`, '2026-12-01T09:00:00Z');
}, 60_000);

afterAll(async () => {
	await hooks?.close();
	await daraja?.close();
	await db?.close();
});

describe('the payments report', () => {
	it('lists 1 and 2 December newest first, counting midnight in Nairobi as 1 December', async () => {
		const rows = await page(isp.tenantId, filter('2026-12-01', '2026-12-02'));
		expect(brief(rows)).toEqual([
			`cash succeeded 100 ${wanjiku.accountNumber}`,
			`stk failed 50 ${wanjiku.accountNumber}`,
			`stk succeeded 50 ${otieno.accountNumber}`,
			'paybill unmatched 200 -',
			`paybill succeeded 10 ${otieno.accountNumber}`
		]);
		expect(rows[0]).toMatchObject({
			receipt: 'C-0001',
			agentName: 'Agent Achieng',
			routerName: 'HQ'
		});
		expect(rows[2]).toMatchObject({ routerName: 'Market', packageName: 'Daily' });
		expect(await totals(isp.tenantId, filter('2026-12-01', '2026-12-02'))).toEqual({
			count: 5,
			receivedKes: 160,
			receivedByMethod: { stk: 50, paybill: 10, cash: 100 }
		});
	});

	it('puts the payment one second before midnight on 30 November', async () => {
		const rows = await page(isp.tenantId, filter('2026-11-30', '2026-11-30'));
		expect(brief(rows)).toEqual([`paybill succeeded 50 ${wanjiku.accountNumber}`]);
		expect(rows[0]).toMatchObject({ packageName: 'Daily', agentName: 'Agent Achieng' });
		expect((await totals(isp.tenantId, filter('2026-11-30', '2026-12-02'))).receivedKes).toBe(210);
	});

	it('filters by method, status, package, agent and site', async () => {
		const range = ['2026-11-30', '2026-12-02'] as const;
		const count = async (rest: Partial<PaymentsReportFilter>) =>
			brief(await page(isp.tenantId, filter(...range, rest)));
		expect(await count({ method: 'cash' })).toEqual([
			`cash succeeded 100 ${wanjiku.accountNumber}`
		]);
		expect(await count({ method: 'paybill', status: 'succeeded' })).toEqual([
			`paybill succeeded 10 ${otieno.accountNumber}`,
			`paybill succeeded 50 ${wanjiku.accountNumber}`
		]);
		expect(await count({ status: 'unmatched' })).toEqual(['paybill unmatched 200 -']);
		expect(await count({ packageId: isp.dailyId })).toEqual([
			`stk succeeded 50 ${otieno.accountNumber}`,
			`paybill succeeded 50 ${wanjiku.accountNumber}`
		]);
		// The agent registered Wanjiku (her M-Pesa payments) and took the cash.
		expect(await count({ agentId })).toEqual([
			`cash succeeded 100 ${wanjiku.accountNumber}`,
			`stk failed 50 ${wanjiku.accountNumber}`,
			`paybill succeeded 50 ${wanjiku.accountNumber}`
		]);
		expect(await count({ routerId: marketRouterId })).toEqual([
			`stk succeeded 50 ${otieno.accountNumber}`,
			`paybill succeeded 10 ${otieno.accountNumber}`
		]);
		expect(await totals(isp.tenantId, filter(...range, { agentId, status: 'succeeded' }))).toEqual({
			count: 2,
			receivedKes: 150,
			receivedByMethod: { stk: 0, paybill: 50, cash: 100 }
		});
	});

	it('pages through every row once, in order, however small the pages', async () => {
		const all = brief(await page(isp.tenantId, filter('2026-11-30', '2026-12-02')));
		const paged: string[] = [];
		for await (const rows of paymentsReportRows(
			isp.tenantId,
			filter('2026-11-30', '2026-12-02'),
			2
		))
			paged.push(...brief(rows));
		expect(all).toHaveLength(6);
		expect(paged).toEqual(all);
	});

	it("never shows another tenant's payments, even when asked for them by id", async () => {
		const range = filter('2026-11-30', '2026-12-02');
		expect(brief(await page(other.tenantId, range))).toEqual([
			`paybill succeeded 999 ${(await page(other.tenantId, range))[0]!.accountNumber}`
		]);
		// A hostile caller scoped to the other tenant naming this one's id sees nothing.
		expect(
			await withTenant(other.tenantId, (tx) =>
				paymentsReportPage(tx, isp.tenantId, range, { limit: 50 })
			)
		).toEqual([]);
		expect(
			await withTenant(other.tenantId, (tx) => paymentsReportTotals(tx, isp.tenantId, range))
		).toEqual({ count: 0, receivedKes: 0, receivedByMethod: { stk: 0, paybill: 0, cash: 0 } });
	});

	it('downloads as CSV that parses, with the payer-name formula made text', async () => {
		const response = paymentsReportCsv(isp.tenantId, filter('2026-11-30', '2026-12-02'));
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toContain(
			'payments-2026-11-30-to-2026-12-02.csv'
		);
		const text = await response.text();
		const records: string[][] = parse(text, { bom: true });
		expect(records).toHaveLength(7);
		expect(records[0]![0]).toBe('Time (Nairobi)');
		expect(records.slice(1).map((r) => [r[0], r[3]])).toEqual([
			['2026-12-02 18:00:00', '100'],
			['2026-12-02 12:30:00', '50'],
			['2026-12-02 12:00:00', '50'],
			['2026-12-01 10:00:00', '200'],
			['2026-12-01 00:00:00', '10'],
			['2026-11-30 23:59:59', '50']
		]);
		const otienoPaybill = records.find((r) => r[4] === 'TKA0000002')!;
		expect(otienoPaybill[6]).toMatch(/^'=HYPERLINK/);
	});
});

describe('the report query', () => {
	const now = new Date('2026-12-02T22:30:00Z'); // 3 December, 01:30 in Nairobi

	it('is this month so far in Nairobi when it names no dates', () => {
		const query = readPaymentsReportQuery(new URLSearchParams(), now);
		expect(query.ok && query.filter.range.from).toBe('2026-12-01');
		expect(query.ok && query.filter.range.to).toBe('2026-12-03');
	});

	it('answers field errors for wrong dates, reversed and too long ranges, and unknown choices', () => {
		const errors = (search: string) => {
			const query = readPaymentsReportQuery(new URLSearchParams(search), now);
			return query.ok ? null : Object.keys(query.errors);
		};
		expect(errors('from=2026-02-30')).toEqual(['from']);
		expect(errors('to=2026-13-01')).toEqual(['to']);
		expect(errors('from=26-1-1&to=%00')).toEqual(['from', 'to']);
		expect(errors('from=2026-12-02&to=2026-12-01')).toEqual(['to']);
		expect(errors('from=2025-01-01&to=2026-12-01')).toEqual(['to']);
		expect(errors('method=bitcoin&status=paid&package=1&agent=x&router=%27')).toEqual([
			'method',
			'status',
			'package',
			'agent',
			'router'
		]);
		expect(errors('from=2026-11-01&to=2026-11-30&method=cash')).toBeNull();
	});
});
