/**
 * Issue 14: the server side of the agent phone's offline queue. Items apply one by one, each in a
 * transaction of its own; an item's id is its idempotency key (replays and concurrent copies make
 * one subscriber or one cash entry); a refused item leaves nothing behind; nobody else's id,
 * package, router or subscriber can be used. On real Postgres when TEST_DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { agentSyncItems, auditLog, ledgerEntries, subscribers } from '../db/schema';
import { setPackageActive } from '../network/packages';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { paymentTenant, type PaymentFixture } from '../testing/payments';
import { addStaff, insertRouterRow } from '../testing/staff';
import { m } from '$lib/paraglide/messages';
import { syncItems, type SyncStaff } from './items';
import { setAgentsTakeCash } from './cash';
import { CASH_RECEIPT_SHAPE } from './receipts';
import { offlineData } from './offline-data';

let db: TestDatabase;
let isp: PaymentFixture;
let other: PaymentFixture;
let agent: SyncStaff;
let agent2: SyncStaff;
let manager: SyncStaff;
let otherAgent: SyncStaff;
let phoneSeq = 254712300000;
const nextPhone = () => String(++phoneSeq);
const local = (msisdn: string) => `0${msisdn.slice(3)}`;

async function staffOf(tenantId: string, role: 'agent' | 'tenant_admin', name: string) {
	const [user] = await addStaff(tenantId, [{ role, name, phone: nextPhone() }]);
	return { id: user!.id, name, role, tenantId } satisfies SyncStaff;
}

function registration(data: Record<string, unknown> = {}, id: string = randomUUID()) {
	return {
		id,
		kind: 'register',
		queuedAt: new Date().toISOString(),
		data: {
			name: 'Wanjiku Kamau',
			phone: local(nextPhone()),
			kind: 'hotspot',
			packageId: isp.dailyId,
			...data
		}
	};
}

function cash(data: Record<string, unknown>, id: string = randomUUID()) {
	return { id, kind: 'cash', queuedAt: new Date().toISOString(), data };
}

const subscribersOf = (tenantId: string) =>
	withTenant(tenantId, (tx) =>
		tx.select().from(subscribers).where(eq(subscribers.tenantId, tenantId))
	);
const cashEntries = (tenantId: string) =>
	withTenant(tenantId, (tx) =>
		tx
			.select()
			.from(ledgerEntries)
			.where(and(eq(ledgerEntries.tenantId, tenantId), eq(ledgerEntries.kind, 'cash')))
	);
const ledgerOf = (tenantId: string, subscriberId: string) =>
	withTenant(tenantId, (tx) =>
		tx
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.subscriberId, subscriberId))
			.orderBy(ledgerEntries.id)
	);

/** The manager's switch for agents' cash, as the settings page flips it. */
const allowCash = (allowed: boolean) =>
	withTenant(isp.tenantId, (tx) =>
		setAgentsTakeCash(tx, isp.tenantId, allowed, { userId: manager.id, name: manager.name })
	);

/** Registers one subscriber through the queue and returns its result. */
async function registered(staff: SyncStaff, data: Record<string, unknown> = {}) {
	const [result] = await syncItems(staff, [registration(data)]);
	if (result?.status !== 'synced' || result.kind !== 'register')
		throw new Error(`not registered: ${JSON.stringify(result)}`);
	return result;
}

beforeAll(async () => {
	db = await openTestDatabase();
	isp = await paymentTenant({ slug: 'field-isp', darajaUrl: 'http://127.0.0.1:1' });
	other = await paymentTenant({ slug: 'field-other', darajaUrl: 'http://127.0.0.1:1' });
	agent = await staffOf(isp.tenantId, 'agent', 'Agent Achieng');
	agent2 = await staffOf(isp.tenantId, 'agent', 'Agent Baraka');
	manager = await staffOf(isp.tenantId, 'tenant_admin', 'Manager Chebet');
	otherAgent = await staffOf(other.tenantId, 'agent', 'Agent Other');
});

afterAll(async () => {
	await db?.close();
});

describe('registrations from the phone', () => {
	it('registers a queued subscriber with its id number and notes, and answers its account number', async () => {
		const item = registration({
			idNumber: '12345678',
			notes: 'Blue gate behind the church',
			latitude: -1.28,
			longitude: 36.82
		});
		const [result] = await syncItems(agent, [item]);
		expect(result).toMatchObject({ id: item.id, status: 'synced', kind: 'register' });
		const row = (await subscribersOf(isp.tenantId)).find(
			(s) => s.id === (result as { subscriberId: string }).subscriberId
		)!;
		expect(row).toMatchObject({
			accountNumber: (result as { accountNumber: string }).accountNumber,
			registeredBy: agent.id,
			clientRef: item.id,
			idNumber: '12345678',
			notes: 'Blue gate behind the church',
			routerId: isp.routerId,
			packageId: isp.dailyId,
			latitude: -1.28
		});
	});

	it('answers a replay with the first result and registers nobody new', async () => {
		const item = registration();
		const [first] = await syncItems(agent, [item]);
		const before = (await subscribersOf(isp.tenantId)).length;
		// The phone lost the answer and sends it again, even edited meanwhile.
		const [again] = await syncItems(agent, [{ ...item, data: { ...item.data, name: 'Other' } }]);
		const [sameBatch, third] = await syncItems(agent, [item, item]);
		expect(again).toEqual(first);
		expect(sameBatch).toEqual(first);
		expect(third).toEqual(first);
		expect((await subscribersOf(isp.tenantId)).length).toBe(before);
	});

	it('creates one subscriber when the same item arrives five times at once', async () => {
		const item = registration();
		const before = (await subscribersOf(isp.tenantId)).length;
		const results = await Promise.all(
			Array.from({ length: 5 }, () => syncItems(agent, [item]).then(([r]) => r))
		);
		for (const r of results) expect(r).toEqual(results[0]);
		expect(results[0]).toMatchObject({ status: 'synced' });
		const after = await subscribersOf(isp.tenantId);
		expect(after.length).toBe(before + 1);
		expect(after.filter((s) => s.clientRef === item.id)).toHaveLength(1);
		const kept = await withTenant(isp.tenantId, (tx) =>
			tx.select().from(agentSyncItems).where(eq(agentSyncItems.id, item.id))
		);
		expect(kept).toHaveLength(1);
	});

	it('refuses the same id from another agent and tells them nothing about the first item', async () => {
		const item = registration();
		const [first] = await syncItems(agent, [item]);
		const before = (await subscribersOf(isp.tenantId)).length;
		const [stolen] = await syncItems(agent2, [registration({}, item.id)]);
		expect(stolen).toEqual({
			id: item.id,
			status: 'rejected',
			message: m.sync_item_id_taken(),
			errors: { id: m.sync_item_id_taken() }
		});
		expect(JSON.stringify(stolen)).not.toContain(
			(first as { accountNumber: string }).accountNumber
		);
		expect((await subscribersOf(isp.tenantId)).length).toBe(before);
		// A cash item under a registration's id is refused the same way, even from its own agent.
		await allowCash(true);
		const [asCash] = await syncItems(agent, [
			cash(
				{ subscriberId: (first as { subscriberId: string }).subscriberId, amountKes: 10 },
				item.id
			)
		]);
		expect(asCash).toMatchObject({ status: 'rejected', errors: { id: m.sync_item_id_taken() } });
	});

	it('keeps tenants apart: another tenant may use the same id, and neither sees the other', async () => {
		const item = registration();
		const [mine] = await syncItems(agent, [item]);
		const [theirs] = await syncItems(otherAgent, [
			{ ...registration({ packageId: other.dailyId }), id: item.id }
		]);
		expect(theirs).toMatchObject({ status: 'synced' });
		expect((theirs as { subscriberId: string }).subscriberId).not.toBe(
			(mine as { subscriberId: string }).subscriberId
		);
		const seenByOther = await withTenant(other.tenantId, (tx) =>
			tx.select().from(agentSyncItems).where(eq(agentSyncItems.userId, agent.id))
		);
		expect(seenByOther).toHaveLength(0);
	});

	it('refuses a phone already registered in the tenant, naming its account, and keeps nothing', async () => {
		const first = await registered(agent);
		const [row] = (await subscribersOf(isp.tenantId)).filter((s) => s.id === first.subscriberId);
		const item = registration({ phone: local(row!.phone) });
		const [refused] = await syncItems(agent2, [item]);
		const message = `Phone already registered to account ${first.accountNumber}`;
		expect(refused).toEqual({
			id: item.id,
			status: 'rejected',
			message,
			errors: { phone: message }
		});
		expect(m.sync_phone_taken({ account: '10234' }, { locale: 'sw' })).toContain('10234');
		// Corrected on the phone and sent again under the same id: now it goes through.
		const [fixed] = await syncItems(agent2, [
			{ ...item, data: { ...item.data, phone: local(nextPhone()) } }
		]);
		expect(fixed).toMatchObject({ id: item.id, status: 'synced' });
	});

	it('answers each bad item on its own and lets the good ones through', async () => {
		const retired = await withTenant(isp.tenantId, async (tx) => {
			const { createPackage } = await import('../network/packages');
			const pkg = await createPackage(tx, isp.tenantId, {
				name: 'Old Weekly',
				kind: 'hotspot',
				priceKes: 200,
				validityUnit: 'days',
				validityCount: 7,
				rateLimit: '2M/5M',
				dataCapMb: null,
				sharedDevices: 1
			});
			await setPackageActive(tx, pkg.id, false);
			return pkg.id;
		});
		const before = (await subscribersOf(isp.tenantId)).length;
		const good1 = registration();
		const good2 = registration();
		const batch = [
			registration({ packageId: other.dailyId }),
			good1,
			registration({ packageId: retired }),
			registration({ routerId: other.routerId }),
			registration({ notes: 'x'.repeat(5 * 1024 * 1024) }),
			{ ...registration(), id: 'not-a-uuid' },
			{ ...registration(), kind: 'transfer' },
			registration({ packageId: 'nope', phone: '12' }),
			null,
			good2
		];
		const results = await syncItems(agent, batch);
		expect(results.map((r) => r.status)).toEqual([
			'rejected',
			'synced',
			'rejected',
			'rejected',
			'rejected',
			'rejected',
			'rejected',
			'rejected',
			'rejected',
			'synced'
		]);
		const errors = results.map((r) => (r.status === 'rejected' ? r.errors : undefined));
		expect(errors[0]).toEqual({ packageId: m.sync_package_unknown() });
		expect(errors[2]).toEqual({ packageId: m.sync_package_retired() });
		expect(errors[3]).toEqual({ routerId: m.sync_router_unknown() });
		expect(errors[4]).toEqual({ notes: m.error_too_long() });
		expect(errors[5]).toEqual({ id: m.sync_item_id_invalid() });
		expect(errors[6]).toEqual({ kind: m.sync_item_kind_unknown() });
		expect(Object.keys(errors[7]!).sort()).toEqual(['packageId', 'phone']);
		expect(errors[8]).toEqual({ id: m.sync_item_id_invalid() });
		expect(results[5]!.id).toBe('not-a-uuid');
		expect(JSON.stringify(results).length).toBeLessThan(10_000);
		expect((await subscribersOf(isp.tenantId)).length).toBe(before + 2);
	});

	it('refuses a retired router named by the item', async () => {
		const { id: routerId } = await insertRouterRow({
			tenantId: isp.tenantId,
			name: 'Old Mast',
			host: '127.0.0.1',
			username: 'admin',
			passwordEnc: 'x',
			retiredAt: new Date()
		});
		const [result] = await syncItems(agent, [registration({ routerId })]);
		expect(result).toMatchObject({
			status: 'rejected',
			errors: { routerId: m.error_router_retired() }
		});
	});
});

describe('cash from the field', () => {
	beforeAll(() => allowCash(true));

	it('is refused while the tenant does not let agents take cash, and leaves nothing', async () => {
		await allowCash(false);
		const sub = await registered(agent);
		const item = cash({ subscriberId: sub.subscriberId, amountKes: 50 });
		const [refused] = await syncItems(agent, [item]);
		expect(refused).toEqual({
			id: item.id,
			status: 'rejected',
			message: m.sync_cash_not_allowed(),
			errors: {}
		});
		expect(await ledgerOf(isp.tenantId, sub.subscriberId)).toHaveLength(0);
		// The manager switches it on; the same item, sent again, now goes through.
		await allowCash(true);
		const [taken] = await syncItems(agent, [item]);
		expect(taken).toMatchObject({ id: item.id, status: 'synced', kind: 'cash' });
	});

	it('credits the subscriber exactly, buys the plan when covered, and gives a receipt', async () => {
		await allowCash(true);
		const sub = await registered(agent);
		const item = cash({
			subscriberId: sub.subscriberId,
			amountKes: '1,050',
			note: 'Paid at the door'
		});
		const [result] = await syncItems({ ...agent, ip: '197.248.1.2' }, [item]);
		expect(result).toMatchObject({
			id: item.id,
			status: 'synced',
			kind: 'cash',
			subscriberId: sub.subscriberId
		});
		const { receipt, paymentId } = result as { receipt: string; paymentId: string };
		expect(receipt).toMatch(CASH_RECEIPT_SHAPE);
		const entries = await ledgerOf(isp.tenantId, sub.subscriberId);
		expect(entries.map((e) => [e.kind, e.amountKes])).toEqual([
			['cash', 1050],
			['purchase', -50]
		]);
		expect(entries[0]).toMatchObject({
			id: Number(paymentId),
			tenantId: isp.tenantId,
			reference: receipt,
			recordedBy: agent.id,
			note: 'Paid at the door'
		});
		const [row] = (await subscribersOf(isp.tenantId)).filter((s) => s.id === sub.subscriberId);
		expect(row!.status).toBe('active');
		const audit = await withTenant(isp.tenantId, (tx) =>
			tx.select().from(auditLog).where(eq(auditLog.action, 'payment.cash'))
		);
		expect(audit.find((a) => (a.detail as { receipt?: string }).receipt === receipt)).toMatchObject(
			{ actorUserId: agent.id, ip: '197.248.1.2' }
		);
	});

	it('keeps cash that does not cover the plan in the wallet', async () => {
		const sub = await registered(agent);
		const [result] = await syncItems(agent, [
			cash({ subscriberId: sub.subscriberId, amountKes: 30 })
		]);
		expect(result).toMatchObject({ status: 'synced' });
		const entries = await ledgerOf(isp.tenantId, sub.subscriberId);
		expect(entries.map((e) => [e.kind, e.amountKes])).toEqual([['cash', 30]]);
	});

	it('credits a registration queued in the same batch through its item id', async () => {
		const reg = registration();
		const money = cash({ subscriberRef: reg.id, amountKes: 50 });
		const [r, c] = await syncItems(agent, [reg, money]);
		expect(r).toMatchObject({ status: 'synced' });
		expect(c).toMatchObject({
			status: 'synced',
			subscriberId: (r as { subscriberId: string }).subscriberId
		});
		// A registration that has not synced (or is someone else's) is named back as not saved yet.
		const [early] = await syncItems(agent, [cash({ subscriberRef: randomUUID(), amountKes: 50 })]);
		expect(early).toMatchObject({
			status: 'rejected',
			errors: { subscriberRef: m.sync_cash_registration_pending() }
		});
		const [borrowed] = await syncItems(agent2, [cash({ subscriberRef: reg.id, amountKes: 50 })]);
		expect(borrowed).toMatchObject({ status: 'rejected' });
	});

	it('records one cash entry when the same item arrives five times at once', async () => {
		const sub = await registered(agent);
		const item = cash({ subscriberId: sub.subscriberId, amountKes: 20 });
		const results = await Promise.all(
			Array.from({ length: 5 }, () => syncItems(agent, [item]).then(([r]) => r))
		);
		for (const r of results) expect(r).toEqual(results[0]);
		expect(results[0]).toMatchObject({ status: 'synced' });
		const entries = await ledgerOf(isp.tenantId, sub.subscriberId);
		expect(entries.map((e) => [e.kind, e.amountKes])).toEqual([['cash', 20]]);
	});

	it("refuses another agent's, another tenant's or an unknown subscriber, and amounts out of range", async () => {
		const theirs = await registered(agent2);
		const elsewhere = await other.subscriber(nextPhone());
		const mine = await registered(agent);
		const results = await syncItems(agent, [
			cash({ subscriberId: theirs.subscriberId, amountKes: 50 }),
			cash({ subscriberId: elsewhere.id, amountKes: 50 }),
			cash({ subscriberId: randomUUID(), amountKes: 50 }),
			cash({ subscriberId: mine.subscriberId, amountKes: 0 }),
			cash({ subscriberId: mine.subscriberId, amountKes: 150_001 }),
			cash({ subscriberId: mine.subscriberId, amountKes: 12.5 }),
			cash({ subscriberId: mine.subscriberId, subscriberRef: randomUUID(), amountKes: 5 })
		]);
		expect(results.map((r) => r.status)).toEqual(Array(7).fill('rejected'));
		for (const r of results.slice(0, 3))
			expect(r).toMatchObject({ errors: { subscriberId: m.sync_cash_subscriber_unknown() } });
		for (const r of results.slice(3, 6))
			expect(r).toMatchObject({ errors: { amountKes: expect.any(String) } });
		expect(await ledgerOf(isp.tenantId, theirs.subscriberId)).toHaveLength(0);
		expect(await ledgerOf(other.tenantId, elsewhere.id)).toHaveLength(0);
		expect(await ledgerOf(isp.tenantId, mine.subscriberId)).toHaveLength(0);
		// A manager may take cash for any subscriber of the tenant, as at the counter.
		const [byManager] = await syncItems(manager, [
			cash({ subscriberId: theirs.subscriberId, amountKes: 50 })
		]);
		expect(byManager).toMatchObject({ status: 'synced' });
	});

	it('gives every cash entry of a tenant its own receipt number', async () => {
		const sub = await registered(agent);
		const results = await syncItems(
			agent,
			Array.from({ length: 40 }, () => cash({ subscriberId: sub.subscriberId, amountKes: 1 }))
		);
		const receipts = results.map((r) => (r as { receipt: string }).receipt);
		expect(receipts.every((r) => CASH_RECEIPT_SHAPE.test(r))).toBe(true);
		const all = (await cashEntries(isp.tenantId)).map((e) => e.reference).filter(Boolean);
		expect(new Set(all).size).toBe(all.length);
		// The database itself refuses a second entry with a receipt of the tenant's.
		const attempt = withTenant(isp.tenantId, (tx) =>
			tx.insert(ledgerEntries).values({
				tenantId: isp.tenantId,
				subscriberId: sub.subscriberId,
				kind: 'cash',
				amountKes: 1,
				reference: receipts[0]!
			})
		);
		await expect(attempt).rejects.toThrow();
	});
});

describe('the data the phone keeps offline', () => {
	it("gives an agent their own subscribers, the packages on sale, the open routers and today's figures", async () => {
		const fresh = await staffOf(isp.tenantId, 'agent', 'Agent Fresh');
		await allowCash(true);
		const one = await registered(fresh);
		const two = await registered(fresh);
		await syncItems(fresh, [cash({ subscriberId: two.subscriberId, amountKes: 70 })]);
		const data = await offlineData(fresh);
		expect(data.user).toEqual({ id: fresh.id, name: fresh.name, role: 'agent' });
		expect(data.tenant).toEqual({ name: 'Pay field-isp', agentsTakeCash: true });
		expect(data.subscribers.map((s) => s.id)).toEqual([two.subscriberId, one.subscriberId]);
		expect(data.subscribers[0]).toMatchObject({
			accountNumber: two.accountNumber,
			packageName: 'Daily',
			status: 'active'
		});
		expect(data.packages.map((p) => p.name)).toEqual(['1 Hour', 'Daily']);
		expect(data.packages[0]).toMatchObject({ kind: 'hotspot', priceKes: 10, validity: '1 hour' });
		expect(data.routers).toEqual([{ id: isp.routerId, name: 'HQ' }]);
		expect(data.today).toMatchObject({ registrations: 2, cashKes: 70 });
		const managers = await offlineData(manager);
		expect(managers.subscribers.length).toBeGreaterThan(2);
		expect(managers.subscribers.every((s) => s.id)).toBe(true);
		const theirs = await offlineData(otherAgent);
		expect(theirs.subscribers.map((s) => s.id)).not.toContain(one.subscriberId);
		expect(theirs.packages.map((p) => p.id)).not.toContain(isp.dailyId);
	});
});
