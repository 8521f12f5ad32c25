/**
 * Issue 11, item 8: the captive portal cannot be used to fill a tenant's subscriber list and its
 * routers with accounts nobody paid for. A phone typed on the portal gets no router user until a
 * payment succeeds, and the accounts never paid for are gone within the hour.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { payments, provisioningJobs, subscribers } from '../db/schema';
import { closeAllRouterConnections } from '../network/routeros/client';
import { ProvisioningWorker } from '../network/worker';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { logDeviceIn } from './device-login';
import { readPublicPayment } from './payment-state';
import { portalPurchase } from './portal';
import { removeUnpaidPortalCustomers } from './unpaid-portal';

let db: TestDatabase;
let daraja: DarajaSim;
let router: RouterSim;
let hooks: HookServer;
let worker: ProvisioningWorker;
let isp: PaymentFixture;
let phoneSeq = 254712700000;
const nextPhone = () => String(++phoneSeq);
let seq = 0x20;
const nextDevice = () => ({
	mac: `02:00:00:00:01:${(seq++).toString(16).padStart(2, '0').toUpperCase()}`,
	ip: '10.5.50.40',
	linkLoginOnly: 'http://10.5.50.1/login',
	linkOrig: 'http://example.com/'
});
const HOUR = 3_600_000;

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 10 });
	router = await startRouterSim({ identity: 'Unpaid-HQ' });
	hooks = await startHookServer();
	isp = await paymentTenant({
		slug: 'unpaid-portal',
		darajaUrl: daraja.url,
		routerHost: router.host,
		routerPort: router.port
	});
	worker = new ProvisioningWorker({ log: () => {}, idleMs: 50, reconcileEveryMs: 0 });
	worker.start();
});

afterEach(() => daraja.clearOutcomes());

afterAll(async () => {
	await worker?.stop();
	await hooks?.close();
	await daraja?.close();
	await closeAllRouterConnections();
	await router?.close();
	await db?.close();
});

function buy(phone: string, n: number) {
	return portalPurchase({
		tenantId: isp.tenantId,
		phone,
		packageId: isp.dailyId,
		routerId: null,
		device: nextDevice(),
		clientAddress: `10.70.0.${n % 250}`,
		callbackBase: hooks.url
	});
}

async function settled(paymentId: string) {
	for (const until = Date.now() + 10_000; ;) {
		const found = await readPublicPayment(isp.tenantId, paymentId, 'portal');
		if (found && found.state.status !== 'pending') return found;
		if (Date.now() > until) throw new Error('payment still pending');
		await new Promise((r) => setTimeout(r, 25));
	}
}

async function routerIdle() {
	worker.poke();
	for (const until = Date.now() + 10_000; Date.now() < until;) {
		const open = await withTenant(isp.tenantId, (tx) =>
			tx
				.select({ id: provisioningJobs.id })
				.from(provisioningJobs)
				.where(inArray(provisioningJobs.status, ['pending', 'running']))
		);
		if (open.length === 0) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('router jobs still open');
}

const hotspotUsers = () => router.router.rows('/ip/hotspot/user').map((u) => u.name);
const subscribersWith = (phones: string[]) =>
	withTenant(isp.tenantId, (tx) =>
		tx.select().from(subscribers).where(inArray(subscribers.phone, phones))
	);

describe('the captive portal before anyone pays', () => {
	it('leaves no subscriber and no router user behind after 50 purchases nobody paid for', async () => {
		const phones = Array.from({ length: 50 }, nextPhone);
		for (const phone of phones) daraja.setOutcome(phone, { resultCode: 1032, delayMs: 5 });
		const started = await Promise.all(phones.map((phone, n) => buy(phone, n)));
		const ids = started
			.map((s) => (s.ok ? s.paymentId : null))
			.filter((id): id is string => id !== null);
		expect(ids).toHaveLength(50);
		for (const id of ids) expect((await settled(id)).state.status).toBe('failed');
		await routerIdle();
		const made = await subscribersWith(phones);
		// No router user for a phone that has not paid.
		expect(hotspotUsers().filter((name) => made.some((s) => s.routerUsername === name))).toEqual(
			[]
		);

		expect(await removeUnpaidPortalCustomers(new Date(Date.now() + HOUR))).toBeGreaterThanOrEqual(
			50
		);
		await routerIdle();
		expect(await subscribersWith(phones)).toEqual([]);
		expect(hotspotUsers().filter((name) => made.some((s) => s.routerUsername === name))).toEqual(
			[]
		);
		// The failed prompts stay on record.
		const kept = await withTenant(isp.tenantId, (tx) =>
			tx
				.select({ id: payments.id })
				.from(payments)
				.where(and(inArray(payments.id, ids), eq(payments.status, 'failed')))
		);
		expect(kept).toHaveLength(50);
	});

	it('keeps a customer whose prompt is still open, and one whose failed try is under half an hour old', async () => {
		const waiting = nextPhone();
		daraja.setOutcome(waiting, { deliver: 'never', delayMs: 60_000 });
		const started = await buy(waiting, 1);
		expect(started.ok).toBe(true);
		await removeUnpaidPortalCustomers(new Date(Date.now() + 2 * HOUR));
		expect(await subscribersWith([waiting])).toHaveLength(1);
		const young = nextPhone();
		daraja.setOutcome(young, { resultCode: 1032, delayMs: 5 });
		const fresh = await buy(young, 2);
		if (!fresh.ok) throw new Error('push refused');
		await settled(fresh.paymentId);
		// Not yet half an hour old: kept for a second try.
		await removeUnpaidPortalCustomers();
		expect(await subscribersWith([young])).toHaveLength(1);
	});
});

describe('the captive portal once paid', () => {
	it('puts a paying customer online with one subscriber, which no replay doubles and no sweep removes', async () => {
		const phone = nextPhone();
		const device = nextDevice();
		const started = await portalPurchase({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: null,
			device,
			clientAddress: '10.70.1.1',
			callbackBase: hooks.url
		});
		if (!started.ok) throw new Error('push refused');
		const paid = await settled(started.paymentId);
		expect(paid.state.status).toBe('succeeded');
		expect(await logDeviceIn(isp.tenantId, started.paymentId, { pollMs: 50 })).toEqual({
			state: 'done'
		});
		expect(
			router.router.rows('/ip/hotspot/active').filter((s) => s['mac-address'] === device.mac)
		).toHaveLength(1);

		// Safaricom sends the same callback again.
		const delivery = daraja.deliveries.find((d) => d.ref === paid.payment.checkoutRequestId)!;
		const replay = await fetch(delivery.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(delivery.body)
		});
		expect(replay.ok).toBe(true);
		await removeUnpaidPortalCustomers(new Date(Date.now() + 2 * HOUR));
		const rows = await subscribersWith([phone]);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ status: 'active' });
		expect(hotspotUsers().filter((name) => name === rows[0]!.routerUsername)).toHaveLength(1);
	});
});
