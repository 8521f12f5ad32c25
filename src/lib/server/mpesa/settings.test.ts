import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { SANDBOX, startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { withTenant } from '../db';
import { mpesaSettings } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import {
	MpesaSecretsMissing,
	darajaClientFor,
	getMpesaSettings,
	mpesaSettingsView,
	rotateCallbackToken,
	saveMpesaSettings
} from './settings';

let db: TestDatabase;
let sim: DarajaSim;
let tenantA: string;
let tenantB: string;

const SECRET = 'consumer-secret-that-must-not-leak';

beforeAll(async () => {
	db = await openTestDatabase();
	sim = await startDarajaSim({ callbackDelayMs: 20 });
	const actor = { userId: undefined as unknown as string, name: 't' };
	tenantA = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Pay A', slug: 'pay-a', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	tenantB = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Pay B', slug: 'pay-b', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
});

afterAll(async () => {
	await sim?.close();
	await db?.close();
});

const input = (overrides: Partial<Parameters<typeof saveMpesaSettings>[2]> = {}) => ({
	kind: 'paybill' as const,
	shortcode: SANDBOX.shortcode,
	tillNumber: null,
	consumerKey: 'consumer-key-1234',
	consumerSecret: SECRET,
	passkey: SANDBOX.passkey,
	environment: 'custom' as const,
	baseUrl: sim.url,
	callbackIpAllowlist: null,
	strictValidation: false,
	...overrides
});

describe('a tenant’s M-Pesa settings', () => {
	it('keeps the keys encrypted, shows only their shape, and still reaches Daraja with them', async () => {
		const row = await withTenant(tenantA, (tx) => saveMpesaSettings(tx, tenantA, input(), null));
		const stored = JSON.stringify(row);
		expect(stored).not.toContain(SECRET);
		expect(stored).not.toContain(SANDBOX.passkey);
		expect(stored).not.toContain('consumer-key-1234');
		const view = mpesaSettingsView(row);
		expect(view.consumerKey).toMatch(/1234$/);
		expect(JSON.stringify(view)).not.toContain(SECRET);
		expect(await darajaClientFor(row).testCredentials()).toEqual({ ok: true });
	});

	it('keeps stored keys when the form leaves them blank, and needs them the first time', async () => {
		const before = await withTenant(tenantA, (tx) => getMpesaSettings(tx, tenantA));
		const after = await withTenant(tenantA, (tx) =>
			saveMpesaSettings(
				tx,
				tenantA,
				input({ consumerKey: '', consumerSecret: undefined, passkey: '', strictValidation: true }),
				null
			)
		);
		expect(after.consumerSecretEnc).toBe(before!.consumerSecretEnc);
		expect(after.strictValidation).toBe(true);
		expect(after.callbackToken).toBe(before!.callbackToken);
		await expect(
			withTenant(tenantB, (tx) =>
				saveMpesaSettings(tx, tenantB, input({ consumerSecret: '' }), null)
			)
		).rejects.toBeInstanceOf(MpesaSecretsMissing);
	});

	it('rotates the callback token so old callback URLs stop matching', async () => {
		const before = await withTenant(tenantA, (tx) => getMpesaSettings(tx, tenantA));
		const token = await withTenant(tenantA, (tx) => rotateCallbackToken(tx, tenantA));
		expect(token).not.toBe(before!.callbackToken);
		// Hex: Daraja refuses callback URLs that contain words like "cmd" or "sql", which base64 can spell.
		expect(token).toMatch(/^[0-9a-f]{48}$/);
	});

	it('is invisible to another tenant', async () => {
		expect(
			await withTenant(tenantB, (tx) =>
				tx.select().from(mpesaSettings).where(eq(mpesaSettings.tenantId, tenantA))
			)
		).toEqual([]);
		await expect(
			withTenant(tenantB, (tx) => saveMpesaSettings(tx, tenantA, input(), null))
		).rejects.toThrow();
	});
});
