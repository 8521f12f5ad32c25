/**
 * Issue 11 item 3 at connect time: a router row with a CR/LF in its password (stored before the
 * form refused it, or by hand) never gets a byte onto the socket, and its job is parked with a
 * clear reason instead of retrying or crashing. Loopback is allowed here (ROUTER_NETWORKS in the
 * vitest env), so the refusal is the password's, not the address's. On real Postgres when
 * TEST_DATABASE_URL is set.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { provisioningJobs, routers } from '../db/schema';
import { encryptSecret } from '../security/secrets';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage } from './packages';
import { RouterAddressRefused } from './router-address';
import { routerTarget } from './routers';
import { closeAllRouterConnections, withRouter } from './routeros/client';
import { testConnection } from './routeros/operations';
import { registerSubscriber } from './subscribers';
import { ProvisioningWorker } from './worker';

let db: TestDatabase;
let tenantId: string;
let listener: net.Server;
let port: number;
const received: Buffer[] = [];
let connections = 0;

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Inject ISP', slug: 'inject-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	listener = net.createServer((socket) => {
		connections++;
		socket.on('data', (chunk: Buffer) => received.push(chunk));
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
	port = (listener.address() as net.AddressInfo).port;
});

afterAll(async () => {
	await closeAllRouterConnections();
	await new Promise<void>((resolve) => listener?.close(() => resolve()));
	await db?.close();
});

async function storedRouter(name: string, password: string) {
	const [row] = await withTenant(tenantId, (tx) =>
		tx
			.insert(routers)
			.values({
				tenantId,
				name,
				host: '127.0.0.1',
				port,
				tls: false,
				username: 'admin',
				passwordEnc: encryptSecret(password),
				hotspotServer: 'all'
			})
			.returning()
	);
	return row!;
}

describe('control characters in stored router credentials', () => {
	it('never reach the socket: test connection and the shared connection refuse before connecting', async () => {
		const row = await storedRouter('Injected', 'pw\r\n/system/reboot\r\n');
		await expect(testConnection({ ...routerTarget(row), timeoutMs: 1_000 })).rejects.toMatchObject({
			name: 'RouterAddressRefused',
			reason: 'control'
		});
		await expect(
			withRouter({ ...routerTarget(row), timeoutMs: 1_000 }, async () => 'ran')
		).rejects.toBeInstanceOf(RouterAddressRefused);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(connections).toBe(0);
		expect(Buffer.concat(received).includes('\r\n')).toBe(false);
	});

	it('park the provisioning job with a clear reason on the first attempt', async () => {
		const row = await storedRouter('Injected job', 'pw\n=name=evil');
		const packageId = await withTenant(
			tenantId,
			async (tx) =>
				(
					await createPackage(tx, tenantId, {
						name: 'Daily',
						kind: 'hotspot',
						priceKes: 50,
						validityUnit: 'days',
						validityCount: 1,
						rateLimit: '2M/5M',
						dataCapMb: null,
						sharedDevices: 1
					})
				).id
		);
		await withTenant(tenantId, (tx) =>
			registerSubscriber(tx, {
				tenantId,
				name: 'Wanjiku',
				phone: '254711000222',
				kind: 'hotspot',
				routerId: row.id,
				packageId,
				registeredBy: null
			})
		);
		const lines: string[] = [];
		const worker = new ProvisioningWorker({ log: (line) => lines.push(line) });
		// Jobs of one router run one after another: a few rounds, each parking its job at once.
		for (let round = 0; round < 5 && (await worker.runOnce()) > 0; round++);
		const jobs = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.routerId, row.id))
		);
		expect(jobs.length).toBeGreaterThan(0);
		for (const job of jobs) {
			expect(job.status).toBe('failed');
			expect(job.lastError).toMatch(/address refused \(control\)/i);
		}
		expect(connections).toBe(0);
		expect(lines.join('\n')).not.toContain('evil');
	});
});
