/**
 * Issue 11 §4: api-ssl certificates are pinned. The first successful "Test connection" records
 * the router's certificate; a router presenting another one is refused before the login (and its
 * password) is sent, until a manager trusts the new one. On real Postgres when TEST_DATABASE_URL is set.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import { routers } from '../db/schema';
import { eq } from 'drizzle-orm';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import {
	createRouter,
	getRouter,
	pinFirstCertificate,
	routerTarget,
	trustCertificate
} from './routers';
import { RouterCertificateChanged, closeAllRouterConnections, withRouter } from './routeros/client';
import { testConnection } from './routeros/operations';

interface Certificate {
	key: Buffer;
	cert: Buffer;
	fingerprint: string;
}

/** A self-signed certificate like the one RouterOS makes for api-ssl (openssl, as client.test.ts does). */
function selfSigned(): Certificate {
	const dir = mkdtempSync(join(tmpdir(), 'mtandao-pin-'));
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-days',
				'1',
				'-subj',
				'/CN=router',
				'-keyout',
				join(dir, 'key.pem'),
				'-out',
				join(dir, 'cert.pem')
			],
			{ stdio: 'ignore' }
		);
		const cert = readFileSync(join(dir, 'cert.pem'));
		return {
			key: readFileSync(join(dir, 'key.pem')),
			cert,
			fingerprint: new X509Certificate(cert).fingerprint256
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

let db: TestDatabase;
const sims: RouterSim[] = [];

beforeAll(async () => {
	db = await openTestDatabase();
});

afterAll(async () => {
	await closeAllRouterConnections();
	await Promise.all(sims.map((sim) => sim.close()));
	await db?.close();
});

describe('api-ssl certificate pinning', () => {
	it('pins at the first test, refuses a changed certificate without sending the password, and connects again once trusted', async () => {
		const original = selfSigned();
		const replacement = selfSigned();
		const first = await startRouterSim({ identity: 'Pinned', tls: original });
		const second = await startRouterSim({ identity: 'Replaced', tls: replacement });
		sims.push(first, second);

		const actor = { userId: undefined as unknown as string, name: 't' };
		const tenantId = (
			await createTenant(
				PLATFORM_TENANT_ID,
				{ name: 'Pinned ISP', slug: 'pinned-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
				actor
			)
		).id;
		const router = await withTenant(tenantId, (tx) =>
			createRouter(tx, tenantId, {
				name: 'Secure',
				host: first.host,
				port: first.port,
				tls: true,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		);
		const load = () => withTenant(tenantId, async (tx) => (await getRouter(tx, router.id))!);

		// First successful test: the certificate it presented is recorded.
		const info = await testConnection(routerTarget(await load()));
		expect(info.certificateFingerprint).toBe(original.fingerprint);
		expect(
			await withTenant(tenantId, (tx) =>
				pinFirstCertificate(tx, router.id, info.certificateFingerprint!)
			)
		).toBe(true);
		expect((await load()).tlsFingerprint).toBe(original.fingerprint);
		// Only the first: a later test cannot overwrite the pin.
		expect(
			await withTenant(tenantId, (tx) =>
				pinFirstCertificate(tx, router.id, replacement.fingerprint)
			)
		).toBe(false);

		// Something else answers at that address with another certificate: refused, and it is never sent the login.
		let bytesFromClient = 0;
		const impostor = tls.createServer(
			{ key: replacement.key, cert: replacement.cert },
			(socket) => {
				socket.on('data', (chunk: Buffer) => (bytesFromClient += chunk.length));
				socket.on('error', () => undefined);
			}
		);
		await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
		const impostorPort = (impostor.address() as { port: number }).port;
		try {
			await withTenant(tenantId, (tx) =>
				tx.update(routers).set({ port: impostorPort }).where(eq(routers.id, router.id))
			);
			const refused = await testConnection(routerTarget(await load())).catch(
				(error: unknown) => error
			);
			expect(refused).toBeInstanceOf(RouterCertificateChanged);
			expect(refused).toMatchObject({ presented: replacement.fingerprint });
			await new Promise((resolve) => setTimeout(resolve, 100));
			expect(bytesFromClient).toBe(0);
			// The worker's shared connections are refused the same way.
			await expect(
				withRouter(routerTarget(await load()), (api) => api.write('/system/identity/print'))
			).rejects.toBeInstanceOf(RouterCertificateChanged);
		} finally {
			await new Promise<void>((resolve) => impostor.close(() => resolve()));
		}

		// The manager replaced the router: after they trust the new certificate it connects.
		await withTenant(tenantId, (tx) =>
			tx.update(routers).set({ port: second.port }).where(eq(routers.id, router.id))
		);
		await expect(testConnection(routerTarget(await load()))).rejects.toBeInstanceOf(
			RouterCertificateChanged
		);
		await withTenant(tenantId, (tx) => trustCertificate(tx, router.id, replacement.fingerprint));
		expect((await testConnection(routerTarget(await load()))).identity).toBe('Replaced');
	});
});
