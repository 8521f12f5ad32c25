/**
 * Issue 11 item 3, through the manager's own pages, outside demo mode: a router saved or tested
 * at a loopback, metadata or private address (or a non-API port) is refused with a field message
 * (400), "Test connection" opens no socket there, and control characters are refused in every
 * router field. On real Postgres when TEST_DATABASE_URL is set.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withTenant } from '$lib/server/db';
import { createRouter, RouterInputInvalid } from '$lib/server/network/routers';
import { encryptSecret } from '$lib/server/security/secrets';
import { createTenant } from '$lib/server/tenants/tenants';
import { PLATFORM_TENANT_ID } from '$lib/server/tenants/root';
import { insertRouterRow, routerRow, routerRows, staffLocals } from '$lib/server/testing/staff';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { actions as listActions } from './+page.server';
import { actions as routerActions } from './[id=uuid]/+page.server';

// Production: no demo loopback, no VPN subnets configured. Read once, when config() first runs.
vi.stubEnv('MTANDAO_MODE', 'production');
vi.stubEnv('ROUTER_NETWORKS', '');
vi.stubEnv('PUBLIC_URL', 'https://billing.example.co.ke');

let db: TestDatabase;
let tenantId: string;
let locals: App.Locals;
/** A listener on loopback standing in for an internal service: it must never see a connection. */
let internal: net.Server;
let internalPort: number;
let connections = 0;

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Outbound ISP', slug: 'outbound-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	locals = await staffLocals(tenantId, {
		role: 'tenant_admin',
		name: 'Manager',
		phone: '254700000111'
	});
	internal = net.createServer((socket) => {
		connections++;
		socket.destroy();
	});
	await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
	internalPort = (internal.address() as net.AddressInfo).port;
});

afterAll(async () => {
	await new Promise<void>((resolve) => internal?.close(() => resolve()));
	await db?.close();
});

type Handler = (event: unknown) => Promise<unknown>;

function post(
	handler: Handler,
	fields: Record<string, string>,
	params: Record<string, string> = {}
) {
	const body = new FormData();
	for (const [key, value] of Object.entries(fields)) body.set(key, value);
	const url = new URL('http://127.0.0.1/manage/routers');
	return handler({
		request: new Request(url, { method: 'POST', body }),
		locals,
		url,
		params,
		getClientAddress: () => '203.0.113.50'
	}).catch((thrown: unknown) => thrown);
}

const router = (fields: Record<string, string>) => ({
	name: 'Kibera HQ',
	host: '203.0.113.7',
	port: '8728',
	username: 'mtandao',
	password: 'long-enough-password',
	...fields
});

async function routerCount(): Promise<number> {
	return (await routerRows(tenantId)).length;
}

describe('saving a router outside demo mode', () => {
	it.each([
		['127.0.0.1', 'host'],
		['169.254.169.254', 'host'],
		['192.168.88.1', 'host'],
		['localhost', 'host'],
		['metadata.google.internal', 'host']
	])('refuses host %s with a field message (400) and saves nothing', async (host, field) => {
		const before = await routerCount();
		const result = (await post(listActions.create as Handler, router({ host }))) as {
			status: number;
			data: { errors: Record<string, string> };
		};
		expect(result.status).toBe(400);
		expect(result.data.errors[field]).toBeTruthy();
		expect(await routerCount()).toBe(before);
	});

	it('refuses ports other services use', async () => {
		const result = (await post(listActions.create as Handler, router({ port: '22' }))) as {
			status: number;
			data: { errors: Record<string, string> };
		};
		expect(result.status).toBe(400);
		expect(result.data.errors.port).toBeTruthy();
	});

	it.each(['name', 'password'])('refuses CR/LF in the %s field', async (field) => {
		const result = (await post(
			listActions.create as Handler,
			router({ [field]: 'ok\r\n/system/reboot' })
		)) as { status: number; data: { errors: Record<string, string> } };
		expect(result.status).toBe(400);
		expect(result.data.errors[field]).toBeTruthy();
	});

	it('refuses the same when editing an existing router', async () => {
		const saved = await withTenant(tenantId, (tx) =>
			createRouter(tx, tenantId, {
				name: 'Edit me',
				host: '203.0.113.8',
				port: 8728,
				tls: false,
				username: 'mtandao',
				password: 'x',
				hotspotServer: 'all'
			})
		);
		const result = (await post(
			routerActions.edit as Handler,
			router({ name: 'Edit me', host: '127.0.0.1', port: String(internalPort) }),
			{ id: saved.id }
		)) as { status: number; data: { errors: Record<string, string> } };
		expect(result.status).toBe(400);
		expect(result.data.errors.host).toBeTruthy();
		const row = await routerRow(tenantId, saved.id);
		expect(row!.host).toBe('203.0.113.8');
	});

	it('refuses control characters in every field of the domain function too', async () => {
		const base = {
			name: 'Direct',
			host: '203.0.113.9',
			port: 8728,
			tls: false,
			username: 'mtandao',
			password: 'secret',
			hotspotServer: 'all'
		};
		for (const field of ['name', 'host', 'username', 'password', 'hotspotServer'] as const) {
			await expect(
				withTenant(tenantId, (tx) =>
					createRouter(tx, tenantId, { ...base, [field]: `${base[field]}\r\nx` })
				)
			).rejects.toBeInstanceOf(RouterInputInvalid);
		}
		await expect(
			withTenant(tenantId, (tx) => createRouter(tx, tenantId, { ...base, password: 'a\u0000b' }))
		).rejects.toBeInstanceOf(RouterInputInvalid);
	});
});

describe('"Test connection" outside demo mode', () => {
	it('opens no socket to a router stored at a loopback address, and says why', async () => {
		// Stored before these rules existed (or by hand): the connect-time check must still hold.
		const row = await insertRouterRow({
			tenantId,
			name: 'Old loopback',
			host: '127.0.0.1',
			port: internalPort,
			tls: false,
			username: 'admin',
			passwordEnc: encryptSecret('secret'),
			hotspotServer: 'all'
		});
		const result = (await post(routerActions.test as Handler, {}, { id: row.id })) as {
			testFailed?: string;
		};
		expect(result.testFailed).toBeTruthy();
		expect(result.testFailed).not.toMatch(/127\.0\.0\.1/);
		expect(connections).toBe(0);
		const after = await routerRow(tenantId, row.id);
		expect(after!.lastError).toMatch(/address refused/i);
	});
});
