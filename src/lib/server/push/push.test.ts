import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt } from 'http_ece';
import { eq, sql } from 'drizzle-orm';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { notifications, pushDeliveries, pushSubscriptions, users } from '../db/schema';
import { recordCashPayment } from '../payments/manage';
import { startStkPush } from '../payments/stk';
import { closeAllRouterConnections } from '../network/routeros/client';
import { ProvisioningWorker } from '../network/worker';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';
import { addStaff } from '../testing/staff';
import { PushSender } from './sender';
import { listNotifications, removeDevice, saveSubscription, type Staff } from './subscriptions';
import { vapidKeys } from './vapid';

// Demo mode (as `npm start` on PGlite, and on Postgres when the run says so): the only mode in
// which a push endpoint may be plain http on loopback, as this file's push service is.
process.env.MTANDAO_MODE = 'demo';

interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** A push service on loopback: keeps what it is sent and answers what the test says. */
async function startPushService() {
	const received: Received[] = [];
	let answer = 201;
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
			res.writeHead(answer).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		received,
		answerWith: (status: number) => (answer = status),
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/** A browser's side of a subscription: the P-256 key pair and auth secret it keeps. */
function fakeBrowser(endpoint: string) {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	const auth = randomBytes(16).toString('base64url');
	return {
		ecdh,
		auth,
		subscription: {
			endpoint,
			keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
			kinds: []
		}
	};
}

function decryptFor(browser: { ecdh: ECDH; auth: string }, body: Buffer) {
	return JSON.parse(
		decrypt(body, {
			version: 'aes128gcm',
			privateKey: browser.ecdh,
			authSecret: browser.auth
		}).toString('utf8')
	) as { title: string; body: string; url: string; tag: string; kind: string };
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`, the JWT signed (ES256) with the key it names. */
function checkVapid(header: string | undefined, publicKey: string, audience: string) {
	const match = /^vapid t=([^,]+), k=(.+)$/.exec(header ?? '');
	expect(match, header).toBeTruthy();
	const [, jwt, k] = match!;
	expect(k).toBe(publicKey);
	const [head, claims, signature] = jwt!.split('.');
	const raw = Buffer.from(k!, 'base64url');
	const key = createPublicKey({
		key: {
			kty: 'EC',
			crv: 'P-256',
			x: raw.subarray(1, 33).toString('base64url'),
			y: raw.subarray(33, 65).toString('base64url')
		},
		format: 'jwk'
	});
	expect(
		verify(
			'sha256',
			Buffer.from(`${head}.${claims}`),
			{ key, dsaEncoding: 'ieee-p1363' },
			Buffer.from(signature!, 'base64url')
		)
	).toBe(true);
	const body = JSON.parse(Buffer.from(claims!, 'base64url').toString()) as Record<string, unknown>;
	expect(JSON.parse(Buffer.from(head!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
	expect(body.aud).toBe(audience);
	expect(Number(body.exp)).toBeGreaterThan(Date.now() / 1000);
	expect(String(body.sub)).toMatch(/^(mailto:|https:)/);
}

let db: TestDatabase;
let daraja: DarajaSim;
let router: RouterSim;
let hooks: HookServer;
let service: Awaited<ReturnType<typeof startPushService>>;
let a: PaymentFixture;
let b: PaymentFixture;
let manager: Staff;
let agent: Staff;
let otherManager: Staff;
let phoneSeq = 254712300000;
const nextPhone = () => String(++phoneSeq);
const sender = new PushSender({ log: () => {}, retry: { baseMs: 1, capMs: 2 } });
const actor = { userId: null as unknown as string, name: 'Counter' };

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 20 });
	router = await startRouterSim({ identity: 'Push-HQ' });
	hooks = await startHookServer();
	service = await startPushService();
	a = await paymentTenant({
		slug: 'push-a',
		darajaUrl: daraja.url,
		routerHost: router.host,
		routerPort: router.port
	});
	b = await paymentTenant({ slug: 'push-b', darajaUrl: daraja.url });
	const [m, g] = await addStaff(a.tenantId, [
		{ role: 'tenant_admin', name: 'Wanjiku Manager', phone: '254722000001' },
		{ role: 'agent', name: 'Otieno Agent', phone: '254722000002' }
	]);
	const [o] = await addStaff(b.tenantId, [
		{ role: 'tenant_admin', name: 'Other Manager', phone: '254722000003' }
	]);
	manager = { id: m!.id, tenantId: a.tenantId, role: 'tenant_admin' };
	agent = { id: g!.id, tenantId: a.tenantId, role: 'agent' };
	otherManager = { id: o!.id, tenantId: b.tenantId, role: 'tenant_admin' };
});

afterEach(async () => {
	service.received.length = 0;
	service.answerWith(201);
	// Each test subscribes its own devices.
	for (const t of [a.tenantId, b.tenantId])
		await withTenant(t, (tx) => tx.delete(pushSubscriptions));
});

afterAll(async () => {
	await hooks?.close();
	await daraja?.close();
	await service?.close();
	await closeAllRouterConnections();
	await router?.close();
	await db?.close();
});

async function subscribe(staff: Staff, path: string) {
	const browser = fakeBrowser(`${service.origin}/push/${path}`);
	const { id } = await withTenant(staff.tenantId, (tx) =>
		saveSubscription(tx, staff, browser.subscription, 'Chrome · Android')
	);
	return { ...browser, id };
}

/** A subscriber registered by the agent, on tenant A's router. */
async function agentsSubscriber(name: string) {
	const s = await a.subscriber(nextPhone(), name);
	await withTenant(a.tenantId, (tx) =>
		tx.execute(sql`update subscribers set registered_by = ${agent.id} where id = ${s.id}`)
	);
	return s;
}

async function sendAll() {
	for (let i = 0; i < 20 && (await sender.runOnce()) > 0; i++);
}

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

const deliveriesOf = (tenantId: string) =>
	withTenant(tenantId, (tx) => tx.select().from(pushDeliveries));

describe('push notifications with real encryption', () => {
	it('sends a paid M-Pesa prompt, encrypted for each device, to the registering agent and the managers only', async () => {
		const managerPhone = await subscribe(manager, 'manager');
		const agentPhone = await subscribe(agent, 'agent');
		const stranger = await subscribe(otherManager, 'other-tenant');
		const s = await agentsSubscriber('Achieng Otieno');

		const started = await startStkPush({
			tenantId: a.tenantId,
			subscriberId: s.id,
			packageId: a.dailyId,
			channel: 'pay',
			callbackBase: hooks.url
		});
		const receipt = await waitFor(() =>
			withTenant(a.tenantId, async (tx) => {
				const [n] = await tx
					.select()
					.from(notifications)
					.where(eq(notifications.userId, manager.id));
				return n?.data.receipt as string | undefined;
			})
		);
		expect(receipt).toMatch(/^[A-Z0-9]{10}$/);
		await sendAll();

		const byPath = new Map(service.received.map((r) => [r.path, r]));
		expect([...byPath.keys()].sort()).toEqual(['/push/agent', '/push/manager']);
		const { publicKey } = await vapidKeys();
		const forManager = byPath.get('/push/manager')!;
		expect(forManager.headers['content-encoding']).toBe('aes128gcm');
		expect(forManager.headers.urgency).toBe('high');
		expect(Number(forManager.headers.ttl)).toBeGreaterThan(0);
		expect(forManager.body.length).toBeLessThan(3 * 1024);
		checkVapid(forManager.headers.authorization, publicKey, service.origin);

		const shown = decryptFor(managerPhone, forManager.body);
		expect(shown.title).toBe('KES 50 received');
		expect(shown.body).toContain('Achieng Otieno');
		expect(shown.body).toContain(s.accountNumber);
		expect(shown.body).toContain(receipt);
		expect(shown.url).toBe(`/manage/subscribers/${s.id}`);
		const forAgent = decryptFor(agentPhone, byPath.get('/push/agent')!.body);
		expect(forAgent.body).toContain(receipt);
		expect(forAgent.url).toBe(`/agent/subscribers?q=${s.accountNumber}`);
		// The manager's device cannot read the agent's message: each is sealed for its own keys.
		expect(() => decryptFor(managerPhone, byPath.get('/push/agent')!.body)).toThrow();
		expect(stranger.id).toBeTruthy();
		expect(started.id).toBeTruthy();

		// Sent: the outbox row is gone and the device's last success kept.
		expect(await deliveriesOf(a.tenantId)).toEqual([]);
		const [device] = await withTenant(a.tenantId, (tx) =>
			tx.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, managerPhone.id))
		);
		expect(device!.lastSuccessAt).toBeTruthy();
		// Kept in the in-app list of both, and of nobody in the other tenant.
		const list = await withTenant(a.tenantId, (tx) => listNotifications(tx, agent));
		expect(list[0]).toMatchObject({ kind: 'payment', data: { receipt, amount: 50 } });
		expect(await withTenant(b.tenantId, (tx) => listNotifications(tx, otherManager))).toEqual([]);
	});

	it('words the push in the reader’s language', async () => {
		await withTenant(a.tenantId, (tx) =>
			tx.update(users).set({ locale: 'sw' }).where(eq(users.id, manager.id))
		);
		try {
			const phone = await subscribe(manager, 'sw');
			const s = await a.subscriber(nextPhone(), 'Baraka');
			await withTenant(a.tenantId, (tx) =>
				recordCashPayment(
					tx,
					{ tenantId: a.tenantId, subscriberId: s.id, amountKes: 1500, note: '' },
					actor
				)
			);
			await sendAll();
			const shown = decryptFor(phone, service.received[0]!.body);
			expect(shown.title).toBe('KES 1,500 imepokelewa');
			expect(shown.body).toContain('pesa taslimu');
		} finally {
			await withTenant(a.tenantId, (tx) =>
				tx.update(users).set({ locale: null }).where(eq(users.id, manager.id))
			);
		}
	});

	it('removes a subscription the push service says is gone (410), and sends it nothing more', async () => {
		const phone = await subscribe(manager, 'gone');
		service.answerWith(410);
		const s = await a.subscriber(nextPhone());
		await withTenant(a.tenantId, (tx) =>
			recordCashPayment(
				tx,
				{ tenantId: a.tenantId, subscriberId: s.id, amountKes: 50, note: '' },
				actor
			)
		);
		await sendAll();
		expect(service.received).toHaveLength(1);
		const left = await withTenant(a.tenantId, (tx) =>
			tx.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, phone.id))
		);
		expect(left).toEqual([]);
		expect(await deliveriesOf(a.tenantId)).toEqual([]);
	});

	it('retries after a 500 and delivers once the push service recovers', async () => {
		const phone = await subscribe(manager, 'flaky');
		service.answerWith(500);
		const s = await a.subscriber(nextPhone(), 'Flaky Phone');
		await withTenant(a.tenantId, (tx) =>
			recordCashPayment(
				tx,
				{ tenantId: a.tenantId, subscriberId: s.id, amountKes: 70, note: '' },
				actor
			)
		);
		await sender.runOnce();
		const [waiting] = await deliveriesOf(a.tenantId);
		expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
		expect(waiting!.lastError).toMatch(/500/);
		service.answerWith(201);
		await new Promise((r) => setTimeout(r, 10));
		await sendAll();
		expect(service.received).toHaveLength(2);
		expect(decryptFor(phone, service.received[1]!.body).body).toContain('Flaky Phone');
		expect(await deliveriesOf(a.tenantId)).toEqual([]);
	});

	it('tells nobody of a payment whose transaction rolls back', async () => {
		await subscribe(manager, 'rollback');
		const s = await a.subscriber(nextPhone(), 'Never Paid');
		const before = (await withTenant(a.tenantId, (tx) => listNotifications(tx, manager))).length;
		await expect(
			withTenant(a.tenantId, async (tx) => {
				await recordCashPayment(
					tx,
					{ tenantId: a.tenantId, subscriberId: s.id, amountKes: 90, note: '' },
					actor
				);
				throw new Error('the rest of the transaction failed');
			})
		).rejects.toThrow(/failed/);
		await sendAll();
		expect(service.received).toEqual([]);
		expect(await withTenant(a.tenantId, (tx) => listNotifications(tx, manager))).toHaveLength(
			before
		);
		expect(await deliveriesOf(a.tenantId)).toEqual([]);
	});

	it('tells the managers once when the router stays down, and when its job is given up on', async () => {
		const phone = await subscribe(manager, 'router');
		const s = await a.subscriber(nextPhone(), 'Down Router Customer');
		await router.close();
		const worker = new ProvisioningWorker({ log: () => {}, retry: { maxAttempts: 1 } });
		await withTenant(a.tenantId, (tx) =>
			recordCashPayment(
				tx,
				{ tenantId: a.tenantId, subscriberId: s.id, amountKes: 50, note: '', buyPackageId: '' },
				actor
			)
		);
		for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
		await sendAll();
		service.received.length = 0;

		// Five minutes later (the outage's start moved back instead of waiting).
		await withTenant(a.tenantId, (tx) =>
			tx.execute(
				sql`update routers set down_since = now() - interval '6 minutes' where id = ${a.routerId}`
			)
		);
		await sender.watchNow();
		await sender.watchNow();
		await sendAll();
		const shown = service.received.map((r) => decryptFor(phone, r.body));
		// Earlier tests' renewals were waiting for this router too: each parked job is told of.
		expect(shown.filter((n) => n.kind === 'router_offline')).toHaveLength(1);
		const offline = shown.find((n) => n.kind === 'router_offline')!;
		expect(offline.title).toBe('Router HQ is offline');
		expect(offline.url).toBe(`/manage/routers/${a.routerId}`);
		expect(
			shown.some((n) => n.kind === 'job_failed' && n.body.includes('Down Router Customer'))
		).toBe(true);
		expect(service.received.every((r) => r.headers.urgency === 'normal')).toBe(true);

		// Once per outage: looking again sends nothing more.
		service.received.length = 0;
		await sender.watchNow();
		await sendAll();
		expect(service.received).toEqual([]);
	});

	it('never lets a staff member remove another’s device', async () => {
		const phone = await subscribe(manager, 'mine');
		expect(await withTenant(a.tenantId, (tx) => removeDevice(tx, agent, phone.id))).toBe(false);
		expect(await withTenant(b.tenantId, (tx) => removeDevice(tx, otherManager, phone.id))).toBe(
			false
		);
		expect(await withTenant(a.tenantId, (tx) => removeDevice(tx, manager, phone.id))).toBe(true);
	});
});

describe('what a device may subscribe with', () => {
	const staff = () => manager;
	const tryEndpoint = (endpoint: string, mode: 'demo' | 'production' = 'production') => {
		const browser = fakeBrowser(endpoint);
		return withTenant(a.tenantId, (tx) =>
			saveSubscription(tx, staff(), browser.subscription, 'x', {
				mode,
				lookup: async (host) =>
					host === 'fcm.googleapis.com'
						? [{ address: '142.250.185.106', family: 4 }]
						: host === 'rebind.example'
							? [{ address: '169.254.169.254', family: 4 }]
							: []
			})
		);
	};

	it.each([
		['plain http and loopback', 'http://127.0.0.1:9/push'],
		['loopback', 'https://127.0.0.1/push'],
		['the metadata address', 'https://169.254.169.254/latest/meta-data'],
		['metadata, IPv4-mapped', 'https://[::ffff:169.254.169.254]/x'],
		['metadata, as one number', 'https://2852039166/x'],
		['the metadata name', 'https://metadata.google.internal/x'],
		['a private address', 'https://10.0.0.5/x'],
		['a name resolving to metadata', 'https://rebind.example/x'],
		['a port other than 443', 'https://fcm.googleapis.com:8443/x'],
		['credentials in the URL', 'https://user:pw@fcm.googleapis.com/x'],
		['an endpoint of 2 kB', `https://fcm.googleapis.com/${'x'.repeat(2000)}`]
	])('refuses %s in production', async (_what, endpoint) => {
		await expect(tryEndpoint(endpoint)).rejects.toThrow(/push endpoint refused/);
	});

	it('takes a public push service in production, and loopback only outside it', async () => {
		await expect(tryEndpoint('https://fcm.googleapis.com/fcm/send/abc')).resolves.toBeTruthy();
		await expect(tryEndpoint('http://127.0.0.1:9/push', 'demo')).resolves.toBeTruthy();
		await expect(tryEndpoint('https://169.254.169.254/x', 'demo')).rejects.toThrow(/refused/);
		await expect(tryEndpoint('https://10.0.0.5/x', 'demo')).rejects.toThrow(/refused/);
	});
});
