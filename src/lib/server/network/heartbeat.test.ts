import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { decrypt } from 'http_ece';
import { eq, sql } from 'drizzle-orm';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { provisioningJobs, routers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { addStaff } from '../testing/staff';
import { PushSender } from '../push/sender';
import { saveSubscription } from '../push/subscriptions';
import { heartbeatRound } from './heartbeat';
import { createRouter } from './routers';
import { closeAllRouterConnections } from './routeros/client';
import { ProvisioningWorker } from './worker';

// Demo mode: the only mode in which a push endpoint may be plain http on loopback, as this file's is.
process.env.MTANDAO_MODE = 'demo';

const MINUTE = 60_000;

let db: TestDatabase;
let pushService: Server;
let pushOrigin: string;
const received: Buffer[] = [];
const sims: RouterSim[] = [];

/** The workers' and the sender's clock: it only moves when the test says, so nothing sleeps. */
const clock = (() => {
	let at = Date.now();
	return { now: () => new Date(at), advance: (ms: number) => (at += ms) };
})();

const sender = new PushSender({ log: () => {}, clock, retry: { baseMs: 1, capMs: 2 } });
const worker = (id: string) =>
	new ProvisioningWorker({ workerId: id, clock, heartbeatEveryMs: MINUTE, log: () => {} });

async function tenantWithRouter(slug: string, identity: string) {
	const tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: slug, slug, parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	const sim = await startRouterSim({ identity });
	sims.push(sim);
	const router = await withTenant(tenantId, (tx) =>
		createRouter(tx, tenantId, {
			name: identity,
			host: sim.host,
			port: sim.port,
			tls: false,
			username: 'admin',
			password: '',
			hotspotServer: 'all'
		})
	);
	return { tenantId, routerId: router.id, sim };
}

const routerRow = (tenantId: string, id: string) =>
	withTenant(
		tenantId,
		async (tx) => (await tx.select().from(routers).where(eq(routers.id, id)))[0]!
	);

/** Commands the heartbeat sends (logins are not in the simulator's command log). */
const questions = (sim: RouterSim) =>
	sim.router.commandLog.filter((c) => c.path === '/system/identity/print').length;

beforeAll(async () => {
	db = await openTestDatabase();
	pushService = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push(Buffer.concat(chunks));
			res.writeHead(201).end();
		});
	});
	await new Promise<void>((resolve) => pushService.listen(0, '127.0.0.1', resolve));
	pushOrigin = `http://127.0.0.1:${(pushService.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await closeAllRouterConnections();
	await Promise.all(sims.map((sim) => sim.close()));
	await new Promise<void>((resolve) => pushService?.close(() => resolve()));
	await db?.close();
});

describe('the router heartbeat', () => {
	it('marks an idle router down with no job queued, tells the manager after five minutes, and clears it when the router answers again', async () => {
		const { tenantId, routerId, sim } = await tenantWithRouter('beat-a', 'Kitale-POP');
		const [manager] = await addStaff(tenantId, [
			{ role: 'tenant_admin', name: 'Achieng Manager', phone: '254722100001' }
		]);
		// A browser's side of the subscription: its P-256 key pair and auth secret.
		const ecdh = createECDH('prime256v1');
		ecdh.generateKeys();
		const auth = randomBytes(16).toString('base64url');
		await withTenant(tenantId, (tx) =>
			saveSubscription(
				tx,
				{ id: manager!.id, tenantId, role: 'tenant_admin' },
				{
					endpoint: `${pushOrigin}/push/manager`,
					keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
					kinds: []
				},
				'Chrome · Android'
			)
		);
		const shown = () =>
			received.map(
				(body) =>
					JSON.parse(
						decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString()
					) as { kind: string; title: string; url: string }
			);
		const watchAndSend = async () => {
			await sender.watchNow();
			for (let i = 0; i < 20 && (await sender.runOnce()) > 0; i++);
		};
		const heartbeat = worker('beat-1');

		// Never contacted: asked at once, and what it calls itself is kept.
		expect((await heartbeat.heartbeatNow()).up).toContain(routerId);
		expect(await routerRow(tenantId, routerId)).toMatchObject({
			identity: 'Kitale-POP',
			downSince: null
		});
		// Contacted within the minute: not asked again.
		const before = questions(sim);
		expect((await heartbeat.heartbeatNow()).up).not.toContain(routerId);
		expect(questions(sim)).toBe(before);

		// The router goes dark; nothing is queued for it.
		await sim.close();
		clock.advance(MINUTE + 1_000);
		const downAt = clock.now();
		expect((await heartbeat.heartbeatNow()).down).toContain(routerId);
		const down = await routerRow(tenantId, routerId);
		expect(down.downSince?.getTime()).toBe(downAt.getTime());
		expect(down.lastError).toMatch(/unreachable/i);
		const jobs = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.routerId, routerId))
		);
		expect(jobs).toEqual([]);

		// Four minutes in, still down: no notification yet.
		for (let i = 0; i < 3; i++) {
			clock.advance(MINUTE + 1_000);
			expect((await heartbeat.heartbeatNow()).down).toContain(routerId);
		}
		await watchAndSend();
		expect(shown().filter((n) => n.kind === 'router_offline')).toEqual([]);
		// The outage began at the first failed heartbeat, not at the latest one.
		expect((await routerRow(tenantId, routerId)).downSince?.getTime()).toBe(downAt.getTime());

		// Past five minutes: the manager's phone is told, once.
		clock.advance(2 * MINUTE);
		await heartbeat.heartbeatNow();
		await watchAndSend();
		await watchAndSend();
		const offline = shown().filter((n) => n.kind === 'router_offline');
		expect(offline).toHaveLength(1);
		expect(offline[0]).toMatchObject({
			title: 'Router Kitale-POP is offline',
			url: `/manage/routers/${routerId}`
		});

		// It answers again: the next heartbeat clears the outage.
		await sim.resumeListening();
		clock.advance(MINUTE + 1_000);
		expect((await heartbeat.heartbeatNow()).up).toContain(routerId);
		expect(await routerRow(tenantId, routerId)).toMatchObject({
			downSince: null,
			downAlertedAt: null,
			lastError: null
		});
	});

	it('never contacts a retired router', async () => {
		const { tenantId, routerId, sim } = await tenantWithRouter('beat-b', 'Retired-POP');
		await withTenant(tenantId, (tx) =>
			tx
				.update(routers)
				.set({ retiredAt: sql`now()` })
				.where(eq(routers.id, routerId))
		);
		const heartbeat = worker('beat-2');
		for (let i = 0; i < 3; i++) {
			clock.advance(MINUTE + 1_000);
			const round = await heartbeat.heartbeatNow();
			expect([...round.up, ...round.down]).not.toContain(routerId);
		}
		expect(sim.router.commandLog).toEqual([]);
		expect(await routerRow(tenantId, routerId)).toMatchObject({
			checkedAt: null,
			lastSeenAt: null
		});
	});

	it('asks each router once per round when two workers beat at the same time', async () => {
		const { routerId, sim } = await tenantWithRouter('beat-c', 'Shared-POP');
		const [one, two] = [worker('beat-3'), worker('beat-4')];
		for (let round = 1; round <= 3; round++) {
			clock.advance(MINUTE + 1_000);
			const [a, b] = await Promise.all([one.heartbeatNow(), two.heartbeatNow()]);
			expect([...a.up, ...b.up].filter((id) => id === routerId)).toHaveLength(1);
			expect(questions(sim)).toBe(round);
		}
	});

	it('does not let a router that accepts the connection and never answers hold up the round', async () => {
		// A black hole: takes the TCP connection, says nothing.
		const held: Socket[] = [];
		const hole = net.createServer((socket) => held.push(socket));
		await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
		const { tenantId, routerId: alive } = await tenantWithRouter('beat-d', 'Alive-POP');
		const silent = await withTenant(tenantId, (tx) =>
			createRouter(tx, tenantId, {
				name: 'Silent-POP',
				host: '127.0.0.1',
				port: (hole.address() as AddressInfo).port,
				tls: false,
				username: 'admin',
				password: 'not-logged',
				hotspotServer: 'all'
			})
		);
		const lines: string[] = [];
		clock.advance(MINUTE + 1_000);
		const started = Date.now();
		const round = await heartbeatRound({
			everyMs: MINUTE,
			timeoutMs: 500,
			concurrency: 1,
			clock,
			log: (line) => lines.push(line)
		});
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(round.down).toContain(silent.id);
		expect(round.up).toContain(alive);
		expect((await routerRow(tenantId, silent.id)).lastError).toMatch(/unreachable \(timeout\)/i);
		expect(lines.join('\n')).not.toContain('not-logged');
		held.forEach((socket) => socket.destroy());
		await closeAllRouterConnections();
		await new Promise<void>((resolve) => hole.close(() => resolve()));
	});
});
