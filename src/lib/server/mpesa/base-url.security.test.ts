/**
 * Issue 11 item 3, Daraja: a tenant's keys go only to Safaricom's sandbox or production, or to a
 * base URL the server configuration allows (here MPESA_BASE_URLS=http://127.0.0.1:* from the
 * vitest env). A tenant cannot save another one, a row that holds one (saved before these rules)
 * is never called, redirects are not followed and an oversized answer is not read. On real
 * Postgres when TEST_DATABASE_URL is set.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { mpesaSettings } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { DarajaBaseUrlRefused } from './base-url';
import { DarajaUnavailable } from './errors';
import {
	darajaClientFor,
	getMpesaSettings,
	saveMpesaSettings,
	type MpesaSettingsInput
} from './settings';

let db: TestDatabase;
let tenantId: string;

interface FakeServer {
	url: string;
	requests: string[];
	close(): Promise<void>;
}

/** An HTTP server on `host` that answers every request with `answer`, and counts them. */
async function fakeServer(
	host: string,
	answer: (request: IncomingMessage, response: ServerResponse) => void
): Promise<FakeServer> {
	const requests: string[] = [];
	const server: Server = createServer((request, response) => {
		requests.push(request.url ?? '');
		answer(request, response);
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	return {
		url: `http://${host}:${(server.address() as AddressInfo).port}`,
		requests,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/** 127.0.0.2: loopback, but not an address the server configuration allows. */
let internal: FakeServer;

const input = (
	environment: MpesaSettingsInput['environment'],
	baseUrl: string | null
): MpesaSettingsInput => ({
	kind: 'paybill',
	shortcode: '174379',
	tillNumber: null,
	consumerKey: 'tenant-consumer-key',
	consumerSecret: 'tenant-consumer-secret',
	passkey: 'tenant-passkey',
	environment,
	baseUrl,
	callbackIpAllowlist: null,
	strictValidation: false
});

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Daraja ISP', slug: 'daraja-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	internal = await fakeServer('127.0.0.2', (_, response) => {
		response.writeHead(200, { 'Content-Type': 'application/json' });
		response.end(JSON.stringify({ access_token: 'internal-secret', expires_in: '3599' }));
	});
	await withTenant(tenantId, (tx) => saveMpesaSettings(tx, tenantId, input('sandbox', null), null));
});

afterAll(async () => {
	await internal?.close();
	await db?.close();
});

/** Puts a base URL into the row directly, as a row saved before these rules would hold it. */
async function storedWith(baseUrl: string) {
	await withTenant(tenantId, (tx) =>
		tx
			.update(mpesaSettings)
			.set({ environment: 'custom', baseUrl, updatedAt: new Date() })
			.where(eq(mpesaSettings.tenantId, tenantId))
	);
	return (await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId)))!;
}

describe('the Daraja base URL a tenant can choose', () => {
	it.each([
		'http://169.254.169.254',
		'https://evil.example',
		'http://127.0.0.2:8080',
		'http://localhost:5432',
		'http://[::1]:18089'
	])('cannot be %s: refused on save, the stored settings unchanged', async (baseUrl) => {
		await expect(
			withTenant(tenantId, (tx) => saveMpesaSettings(tx, tenantId, input('custom', baseUrl), null))
		).rejects.toBeInstanceOf(DarajaBaseUrlRefused);
		const row = await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId));
		expect(row!.baseUrl).not.toBe(baseUrl);
	});

	it('can be Safaricom’s sandbox or production, or one the server configuration allows', async () => {
		for (const environment of ['sandbox', 'production'] as const) {
			const row = await withTenant(tenantId, (tx) =>
				saveMpesaSettings(tx, tenantId, input(environment, null), null)
			);
			expect(row.environment).toBe(environment);
		}
		const row = await withTenant(tenantId, (tx) =>
			saveMpesaSettings(tx, tenantId, input('custom', 'http://127.0.0.1:18089'), null)
		);
		expect(row.baseUrl).toBe('http://127.0.0.1:18089');
	});

	it('is never called when a stored row holds one the server does not allow', async () => {
		const row = await storedWith(internal.url);
		const check = await darajaClientFor(row).testCredentials();
		expect(check.ok).toBe(false);
		expect(check.ok ? null : check.error).toBeInstanceOf(DarajaBaseUrlRefused);
		expect(internal.requests).toEqual([]);
	});
});

describe('answers from an allowed base URL', () => {
	it('do not lead our requests elsewhere by redirect', async () => {
		const redirecting = await fakeServer('127.0.0.1', (request, response) => {
			response.writeHead(307, { Location: `${internal.url}${request.url ?? '/'}` });
			response.end();
		});
		try {
			const check = await darajaClientFor(await storedWith(redirecting.url)).testCredentials();
			expect(check.ok).toBe(false);
			expect(check.ok ? null : check.error).toBeInstanceOf(DarajaUnavailable);
			expect(redirecting.requests).toHaveLength(1);
			expect(internal.requests).toEqual([]);
		} finally {
			await redirecting.close();
		}
	});

	it('are not read past 64 KiB', async () => {
		const huge = await fakeServer('127.0.0.1', (_, response) => {
			response.writeHead(200, { 'Content-Type': 'application/json' });
			// Streamed, no length announced: the cap must hold while reading.
			response.write('{"expires_in":"3599","access_token":"');
			for (let i = 0; i < 64; i++) response.write('x'.repeat(16 * 1024));
			response.end('"}');
		});
		try {
			const check = await darajaClientFor(await storedWith(huge.url)).testCredentials();
			expect(check.ok).toBe(false);
			expect(check.ok ? null : check.error).toBeInstanceOf(DarajaUnavailable);
		} finally {
			await huge.close();
		}
	});
});
