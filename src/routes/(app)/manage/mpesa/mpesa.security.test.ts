/**
 * Issue 11 item 3, through the manager's M-Pesa page: a custom Daraja address the server does not
 * allow is a field error (400), and the remote side's error text never reaches the page or the
 * audit row, only our own words. On real Postgres when TEST_DATABASE_URL is set.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '$lib/server/db';
import { getMpesaSettings, saveMpesaSettings } from '$lib/server/mpesa/settings';
import { createTenant } from '$lib/server/tenants/tenants';
import { PLATFORM_TENANT_ID } from '$lib/server/tenants/root';
import { auditEntries, staffLocals } from '$lib/server/testing/staff';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { actions } from './+page.server';

const HOSTILE_TEXT =
	'Account suspended: call +254 700 000 999 or visit https://phish.example/login <b>now</b>';

let db: TestDatabase;
let tenantId: string;
let locals: App.Locals;
let hostile: Server;
let hostileUrl: string;

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Echo ISP', slug: 'echo-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	locals = await staffLocals(tenantId, {
		role: 'tenant_admin',
		name: 'Manager',
		phone: '254700000333'
	});
	// A gateway (allowed by the server configuration) whose every answer carries text of its choosing.
	hostile = createServer((_, response) => {
		response.writeHead(500, { 'Content-Type': 'application/json' });
		response.end(
			JSON.stringify({ requestId: 'r-1', errorCode: '500.001.1001', errorMessage: HOSTILE_TEXT })
		);
	});
	await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
	hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
	await withTenant(tenantId, (tx) =>
		saveMpesaSettings(
			tx,
			tenantId,
			{
				kind: 'paybill',
				shortcode: '174379',
				tillNumber: null,
				consumerKey: 'k-123456789',
				consumerSecret: 's-123456789',
				passkey: 'p-123456789',
				environment: 'custom',
				baseUrl: hostileUrl,
				callbackIpAllowlist: null,
				strictValidation: false
			},
			locals.user!.id
		)
	);
});

afterAll(async () => {
	await new Promise<void>((resolve) => hostile?.close(() => resolve()));
	await db?.close();
});

type Handler = (event: unknown) => Promise<unknown>;

function post(handler: Handler, fields: Record<string, string>) {
	const body = new FormData();
	for (const [key, value] of Object.entries(fields)) body.set(key, value);
	const url = new URL('http://127.0.0.1/manage/mpesa');
	return handler({
		request: new Request(url, { method: 'POST', body }),
		locals,
		url,
		params: {},
		getClientAddress: () => '203.0.113.50'
	}).catch((thrown: unknown) => thrown);
}

describe('the M-Pesa settings page', () => {
	it.each(['http://169.254.169.254', 'https://attacker.example', 'http://127.0.0.2:5432'])(
		'refuses the custom address %s with a field message (400)',
		async (baseUrl) => {
			const result = (await post(actions.save as Handler, {
				kind: 'paybill',
				shortcode: '174379',
				environment: 'custom',
				baseUrl
			})) as { status: number; data: { errors: Record<string, string> } };
			expect(result.status).toBe(400);
			expect(result.data.errors.baseUrl).toBeTruthy();
			const row = await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId));
			expect(row!.baseUrl).toBe(hostileUrl);
		}
	);

	it('shows our own words, never the gateway’s text, when a test or registration fails', async () => {
		const tested = (await post(actions.test as Handler, {})) as { testFailed?: string };
		const registered = (await post(actions.register as Handler, {})) as { registerFailed?: string };
		for (const shown of [tested.testFailed, registered.registerFailed]) {
			expect(shown).toBeTruthy();
			expect(shown).not.toMatch(/phish|suspended|700 000 999|<b>/);
		}
		const audit = await auditEntries(tenantId);
		expect(JSON.stringify(audit.map((row) => row.detail))).not.toMatch(/phish|suspended/);
	});
});
