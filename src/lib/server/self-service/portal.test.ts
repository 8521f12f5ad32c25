import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { mpesaSettings, subscribers } from '../db/schema';
import { RATE_RULES, takeHits } from '../security/rate-limit';
import { createPackage } from '../network/packages';
import { createRouter } from '../network/routers';
import { setSuspended } from '../network/subscribers';
import { closeAllRouterConnections } from '../network/routeros/client';
import { ProvisioningWorker } from '../network/worker';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { deviceLoginState, logDeviceIn, portalConnection } from './device-login';
import { readPublicPayment } from './payment-state';
import { PortalRefused, portalCustomer, portalPurchase } from './portal';
import { startSelfServicePush } from './push';

let db: TestDatabase;
let daraja: DarajaSim;
let router: RouterSim;
let hooks: HookServer;
let worker: ProvisioningWorker;
let isp: PaymentFixture;
let other: PaymentFixture;
let phoneSeq = 254712400000;
const nextPhone = () => String(++phoneSeq);
let macSeq = 0x10;
const nextMac = () => `02:00:00:00:00:${(macSeq++).toString(16).padStart(2, '0').toUpperCase()}`;

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 30 });
	router = await startRouterSim({ identity: 'Portal-HQ' });
	hooks = await startHookServer();
	isp = await paymentTenant({
		slug: 'portal-isp',
		darajaUrl: daraja.url,
		routerHost: router.host,
		routerPort: router.port
	});
	other = await paymentTenant({ slug: 'portal-other', darajaUrl: daraja.url });
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

const device = (mac = nextMac()) => ({
	mac,
	ip: '10.5.50.23',
	linkLoginOnly: 'http://10.5.50.1/login',
	linkOrig: 'http://example.com/'
});

async function buy(
	phone: string,
	dev: Record<string, string> | null = device(),
	packageId = isp.dailyId,
	clientAddress = '10.9.0.1'
) {
	return portalPurchase({
		tenantId: isp.tenantId,
		phone,
		packageId,
		routerId: null,
		device: dev,
		clientAddress,
		callbackBase: hooks.url
	});
}

async function settled(paymentId: string) {
	for (const until = Date.now() + 5_000; ;) {
		const found = await readPublicPayment(isp.tenantId, paymentId, 'portal');
		if (found && found.state.status !== 'pending') return found;
		if (Date.now() > until) throw new Error('payment still pending');
		await new Promise((r) => setTimeout(r, 25));
	}
}

const sessionsOf = (mac: string) =>
	router.router.rows('/ip/hotspot/active').filter((s) => s['mac-address'] === mac);

describe('the captive portal’s customer', () => {
	it('creates a hotspot subscriber for a new phone on the tenant’s router, and finds it the next time', async () => {
		const phone = nextPhone();
		const first = await portalCustomer({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.hourId,
			routerId: null
		});
		expect(first).toMatchObject({
			created: true,
			subscriber: {
				phone,
				kind: 'hotspot',
				routerId: isp.routerId,
				packageId: isp.hourId,
				status: 'pending'
			}
		});
		expect(first.subscriber.name).toBe(
			`Hotspot 0${phone.slice(3, 6)} ${phone.slice(6, 9)} ${phone.slice(9)}`
		);
		const again = await portalCustomer({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: null
		});
		expect(again).toMatchObject({ created: false, subscriber: { id: first.subscriber.id } });
	});

	it('makes one subscriber when a new phone taps twice at once', async () => {
		const phone = nextPhone();
		const taps = await Promise.all(
			[1, 2, 3].map(() =>
				portalCustomer({ tenantId: isp.tenantId, phone, packageId: isp.dailyId, routerId: null })
			)
		);
		expect(new Set(taps.map((t) => t.subscriber.id)).size).toBe(1);
		const rows = await withTenant(isp.tenantId, (tx) =>
			tx.select().from(subscribers).where(eq(subscribers.phone, phone))
		);
		expect(rows).toHaveLength(1);
	});

	it('serves the router the login page names, and moves a customer who last bought at another hotspot', async () => {
		const phone = nextPhone();
		const second = await withTenant(isp.tenantId, (tx) =>
			createRouter(tx, isp.tenantId, {
				name: 'Branch',
				host: '127.0.0.1',
				port: 1,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		);
		const atBranch = await portalCustomer({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: second.id
		});
		expect(atBranch.subscriber.routerId).toBe(second.id);
		const atHq = await portalCustomer({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: 'not-a-router'
		});
		expect(atHq.subscriber).toMatchObject({ id: atBranch.subscriber.id, routerId: isp.routerId });
	});

	it('sells only the tenant’s hotspot packages on sale, and not to a suspended customer', async () => {
		const home = await withTenant(isp.tenantId, (tx) =>
			createPackage(tx, isp.tenantId, {
				name: 'Home Portal',
				kind: 'pppoe',
				priceKes: 1500,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '5M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		);
		await expect(
			portalCustomer({
				tenantId: isp.tenantId,
				phone: nextPhone(),
				packageId: home.id,
				routerId: null
			})
		).rejects.toMatchObject({ reason: 'package' });
		await expect(
			portalCustomer({
				tenantId: isp.tenantId,
				phone: nextPhone(),
				packageId: other.dailyId,
				routerId: null
			})
		).rejects.toBeInstanceOf(PortalRefused);
		const phone = nextPhone();
		const { subscriber } = await portalCustomer({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: null
		});
		await withTenant(isp.tenantId, (tx) => setSuspended(tx, subscriber.id, true));
		await expect(
			portalCustomer({ tenantId: isp.tenantId, phone, packageId: isp.dailyId, routerId: null })
		).rejects.toMatchObject({ reason: 'suspended' });
	});
});

describe('paying on the captive portal', () => {
	it('logs the paying device in once M-Pesa confirms: the router shows its session', async () => {
		const dev = device();
		const started = await buy(nextPhone(), dev);
		expect(started.ok).toBe(true);
		if (!started.ok) return;
		const paid = await settled(started.paymentId);
		expect(paid.state).toMatchObject({
			status: 'succeeded',
			reason: null,
			receipt: expect.stringMatching(/^[A-Z0-9]{10}$/),
			packageName: 'Daily'
		});
		expect(new Date(paid.state.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
		expect(portalConnection(paid.payment, paid.subscriber!)).toMatchObject({
			username: paid.subscriber!.routerUsername,
			linkLoginOnly: dev.linkLoginOnly,
			linkOrig: dev.linkOrig
		});

		expect(await logDeviceIn(isp.tenantId, started.paymentId, { pollMs: 50 })).toEqual({
			state: 'done'
		});
		expect(sessionsOf(dev.mac)).toEqual([
			expect.objectContaining({ user: paid.subscriber!.routerUsername, address: dev.ip })
		]);
		// The page polls again, or the browser got there first: still one session.
		expect(await logDeviceIn(isp.tenantId, started.paymentId, { pollMs: 50 })).toEqual({
			state: 'done'
		});
		expect(sessionsOf(dev.mac)).toHaveLength(1);
	});

	it('moves a customer online at another hotspot only once they have paid at this one', async () => {
		const phone = nextPhone();
		const branch = await withTenant(isp.tenantId, (tx) =>
			createRouter(tx, isp.tenantId, {
				name: 'Market',
				host: '127.0.0.1',
				port: 1,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		);
		const atHq = await buy(phone);
		if (!atHq.ok) throw new Error('the first purchase was refused');
		expect((await settled(atHq.paymentId)).state.status).toBe('succeeded');
		// Anyone can type the phone at the other hotspot: that alone moves no one who is in service.
		const typed = await portalCustomer({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: branch.id
		});
		expect(typed.subscriber.routerId).toBe(isp.routerId);
		const atBranch = await portalPurchase({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: branch.id,
			device: device(),
			clientAddress: '10.9.0.2',
			callbackBase: hooks.url
		});
		if (!atBranch.ok) throw new Error('the second purchase was refused');
		const paid = await settled(atBranch.paymentId);
		expect(paid.subscriber!.routerId).toBe(isp.routerId);
		await logDeviceIn(isp.tenantId, atBranch.paymentId, { deadlineMs: 200, pollMs: 50 });
		const [now] = await withTenant(isp.tenantId, (tx) =>
			tx
				.select({ routerId: subscribers.routerId })
				.from(subscribers)
				.where(eq(subscribers.id, typed.subscriber.id))
		);
		expect(now!.routerId).toBe(branch.id);
	});

	it('answers "waiting" while it logs in, starts once however often it is asked, and then says done', async () => {
		const dev = device();
		const started = await buy(nextPhone(), dev);
		if (!started.ok) throw new Error('push refused');
		await settled(started.paymentId);
		expect(deviceLoginState(isp.tenantId, started.paymentId, { pollMs: 50 })).toEqual({
			state: 'waiting'
		});
		expect(deviceLoginState(isp.tenantId, started.paymentId)).toEqual({ state: 'waiting' });
		for (
			const until = Date.now() + 5_000;
			deviceLoginState(isp.tenantId, started.paymentId).state === 'waiting' && Date.now() < until;
		)
			await new Promise((r) => setTimeout(r, 25));
		expect(deviceLoginState(isp.tenantId, started.paymentId)).toEqual({ state: 'done' });
		expect(sessionsOf(dev.mac)).toHaveLength(1);
	});

	it('says the package is in use when a second device pays for a one-device package already online', async () => {
		const phone = nextPhone();
		const first = await buy(phone);
		if (!first.ok) throw new Error('push refused');
		await settled(first.paymentId);
		expect(await logDeviceIn(isp.tenantId, first.paymentId, { pollMs: 50 })).toEqual({
			state: 'done'
		});
		const second = await buy(phone);
		if (!second.ok) throw new Error('push refused');
		await settled(second.paymentId);
		expect(await logDeviceIn(isp.tenantId, second.paymentId, { pollMs: 50 })).toEqual({
			state: 'failed',
			problem: 'in-use'
		});
	});

	it('reads a cancelled prompt as cancelled, and never lets that device in', async () => {
		const phone = nextPhone();
		daraja.setOutcome(phone, { resultCode: 1032 });
		const dev = device();
		const started = await buy(phone, dev);
		if (!started.ok) throw new Error('push refused');
		const failed = await settled(started.paymentId);
		expect(failed.state).toMatchObject({
			status: 'failed',
			reason: 'cancelled',
			receipt: null,
			expiresAt: null
		});
		expect(await logDeviceIn(isp.tenantId, started.paymentId, { pollMs: 50 })).toEqual({
			state: 'failed',
			problem: 'refused'
		});
		expect(sessionsOf(dev.mac)).toEqual([]);
	});

	it('leaves the browser form to do it when MikroTik did not tell us the MAC and IP', async () => {
		const started = await buy(nextPhone(), { linkLoginOnly: 'http://10.5.50.1/login' });
		if (!started.ok) throw new Error('push refused');
		await settled(started.paymentId);
		expect(await logDeviceIn(isp.tenantId, started.paymentId, { pollMs: 50 })).toEqual({
			state: 'failed',
			problem: 'no-device'
		});
	});

	it('shows a payment only to its own tenant and its own kind of page', async () => {
		const started = await buy(nextPhone());
		if (!started.ok) throw new Error('push refused');
		expect(await readPublicPayment(other.tenantId, started.paymentId, 'portal')).toBeNull();
		expect(await readPublicPayment(isp.tenantId, started.paymentId, 'pay')).toBeNull();
		expect(await readPublicPayment(isp.tenantId, started.paymentId, 'portal')).not.toBeNull();
		await settled(started.paymentId);
	});

	it('refuses a sixth prompt to one phone within ten minutes', async () => {
		const phone = nextPhone();
		// The customer leaves the prompt open for a minute: every later push meets it.
		daraja.setOutcome(phone, { deliver: 'never', delayMs: 60_000 });
		const outcomes = [];
		for (let i = 0; i < 6; i++) outcomes.push(await buy(phone));
		expect(outcomes[0]).toMatchObject({ ok: true });
		// The prompt stays open on the phone, so the next ones are refused by M-Pesa itself.
		expect(outcomes[1]).toMatchObject({
			ok: false,
			refusal: { kind: 'problem', status: 409, problem: 'prompt-open' }
		});
		expect(outcomes[5]).toMatchObject({
			ok: false,
			refusal: { kind: 'too-many', status: 429, retryAfterSeconds: expect.any(Number) }
		});
	});

	it('makes no subscriber and no router user for a buyer over the limit', async () => {
		const address = '10.9.0.77';
		for (let i = 0; i < RATE_RULES.pushPerIp.limit; i++)
			await takeHits([{ rule: RATE_RULES.pushPerIp, subject: address }]);
		const phone = nextPhone();
		expect(await buy(phone, device(), isp.dailyId, address)).toMatchObject({
			ok: false,
			refusal: { kind: 'too-many', status: 429 }
		});
		const made = await withTenant(isp.tenantId, (tx) =>
			tx.select({ id: subscribers.id }).from(subscribers).where(eq(subscribers.phone, phone))
		);
		expect(made).toEqual([]);
	});

	it('says M-Pesa is not set up when the tenant has no Daraja settings', async () => {
		const bare = await paymentTenant({ slug: 'portal-bare', darajaUrl: daraja.url });
		await withTenant(bare.tenantId, (tx) =>
			tx.delete(mpesaSettings).where(eq(mpesaSettings.tenantId, bare.tenantId))
		);
		const s = await bare.subscriber(nextPhone());
		const outcome = await startSelfServicePush({
			tenantId: bare.tenantId,
			subscriberId: s.id,
			packageId: bare.dailyId,
			phone: s.phone,
			ownPhone: s.phone,
			channel: 'pay',
			clientAddress: '10.9.9.9',
			callbackBase: hooks.url
		});
		expect(outcome).toEqual({
			ok: false,
			refusal: { kind: 'problem', status: 503, problem: 'not-configured' }
		});
	});
});
