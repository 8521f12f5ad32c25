/**
 * Issue 14 item 4, the manager's side: the switch that lets agents take cash, and the evening count
 * of cash per staff member for one Nairobi day, with every receipt. Only managers open it, and a
 * manager sees their own tenant's cash only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncItems, type SyncStaff } from '$lib/server/agent-sync/items';
import { nairobiDate } from '$lib/server/agent-sync/nairobi-day';
import type { CashReport } from '$lib/server/agent-sync/cash-report';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { paymentTenant, type PaymentFixture } from '$lib/server/testing/payments';
import { auditEntries, staffLocals } from '$lib/server/testing/staff';
import { actions, load } from './+page.server';

let db: TestDatabase;
let isp: PaymentFixture;
let other: PaymentFixture;
let manager: App.Locals;
let agentA: App.Locals;
let agentB: App.Locals;
let otherManager: App.Locals;
let phone = 254714500000;

const staffOf = (locals: App.Locals): SyncStaff => ({
	id: locals.user!.id,
	name: locals.user!.name,
	role: locals.user!.role,
	tenantId: locals.tenantId!
});

type Loaded = { today: string; agentsTakeCash: boolean; report: CashReport };
async function open(locals: App.Locals, query = '') {
	const url = new URL(`http://127.0.0.1/manage/cash${query}`);
	return (await (load as (e: unknown) => Promise<unknown>)({ locals, url }).catch(
		(thrown: unknown) => thrown
	)) as Loaded;
}

async function flip(locals: App.Locals, on: boolean) {
	const body = new FormData();
	if (on) body.set('agentsTakeCash', 'on');
	const url = new URL('http://127.0.0.1/manage/cash?/setting');
	return (actions.setting as (e: unknown) => Promise<unknown>)({
		request: new Request(url, { method: 'POST', body }),
		locals,
		url,
		params: {},
		getClientAddress: () => '203.0.113.7'
	}).catch((thrown: unknown) => thrown) as Promise<{ status: number; location?: string }>;
}

/** An agent registers a subscriber and takes cash from them, through the phone's queue. */
async function collect(agent: App.Locals, amounts: number[]) {
	const staff = staffOf(agent);
	const reg = {
		id: randomUUID(),
		kind: 'register',
		queuedAt: new Date().toISOString(),
		data: {
			name: 'Njeri Mwangi',
			phone: String(++phone),
			kind: 'hotspot',
			packageId: isp.dailyId
		}
	};
	const results = await syncItems(staff, [
		reg,
		...amounts.map((amountKes) => ({
			id: randomUUID(),
			kind: 'cash',
			queuedAt: new Date().toISOString(),
			data: { subscriberRef: reg.id, amountKes }
		}))
	]);
	return results.slice(1).map((r) => (r as { receipt: string }).receipt);
}

beforeAll(async () => {
	db = await openTestDatabase();
	isp = await paymentTenant({ slug: 'cash-count', darajaUrl: 'http://127.0.0.1:1' });
	other = await paymentTenant({ slug: 'cash-other', darajaUrl: 'http://127.0.0.1:1' });
	manager = await staffLocals(isp.tenantId, {
		role: 'tenant_admin',
		name: 'Manager Mutua',
		phone: '254714599991'
	});
	agentA = await staffLocals(isp.tenantId, {
		role: 'agent',
		name: 'Agent Akinyi',
		phone: '254714599992'
	});
	agentB = await staffLocals(isp.tenantId, {
		role: 'agent',
		name: 'Agent Bett',
		phone: '254714599993'
	});
	otherManager = await staffLocals(other.tenantId, {
		role: 'tenant_admin',
		name: 'Other Manager',
		phone: '254714599994'
	});
});

afterAll(async () => {
	await db?.close();
});

describe('cash from agents', () => {
	it('is off until the manager switches it on, audited', async () => {
		expect((await open(manager)).agentsTakeCash).toBe(false);
		const refused = await collect(agentA, [100]);
		expect(refused).toEqual([undefined]);
		expect(await flip(manager, true)).toMatchObject({
			status: 303,
			location: '/manage/cash?saved=on'
		});
		expect((await open(manager)).agentsTakeCash).toBe(true);
		const audit = await auditEntries(isp.tenantId, 'tenant.agents_cash');
		expect(audit.map((a) => a.detail)).toEqual([{ allowed: true }]);
	});

	it("totals each agent's cash for the day and lists every receipt", async () => {
		const fromA = await collect(agentA, [100, 250]);
		const fromB = await collect(agentB, [40]);
		const page = await open(manager);
		expect(page.report.date).toBe(nairobiDate());
		const totals = page.report.totals.map((t) => [t.name, t.receipts, t.totalKes]);
		expect(totals).toEqual([
			['Agent Akinyi', 2, 350],
			['Agent Bett', 1, 40]
		]);
		expect(page.report.totalKes).toBe(390);
		expect(page.report.receipts.map((r) => r.receipt).sort()).toEqual([...fromA, ...fromB].sort());
		expect(page.report.receipts.find((r) => r.receipt === fromB[0])).toMatchObject({
			amountKes: 40,
			recordedBy: agentB.user!.id,
			subscriberName: 'Njeri Mwangi'
		});
		// Another day, and a day that is not one, show that day's (empty) count or today's.
		expect((await open(manager, '?date=2026-01-01')).report.totals).toEqual([]);
		expect((await open(manager, '?date=2026-02-30')).report.date).toBe(nairobiDate());
		expect((await open(manager, '?date=2999-01-01')).report.date).toBe(nairobiDate());
	});

	it("shows another tenant's manager none of it, and agents not at all", async () => {
		const theirs = await open(otherManager);
		expect(theirs.report.totals).toEqual([]);
		expect(theirs.agentsTakeCash).toBe(false);
		const asAgent = (await open(agentA)) as unknown as { status: number };
		expect(asAgent.status).toBe(404);
		expect(await flip(agentA, false)).toMatchObject({ status: 404 });
		expect((await open(manager)).agentsTakeCash).toBe(true);
	});

	it('switched off again, refuses cash agents queued before', async () => {
		await flip(manager, false);
		expect(await collect(agentA, [10])).toEqual([undefined]);
		expect((await open(manager)).agentsTakeCash).toBe(false);
	});
});
