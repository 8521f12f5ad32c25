/**
 * Issue 12 item 7: an agent searches the subscribers they registered, by name, phone or account
 * number, and finds nobody else's — not another agent's in the same tenant, not another tenant's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db';
import { users } from '../db/schema';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { createTenant } from '../tenants/tenants';
import { listSubscribers, registerSubscriber } from './subscribers';

let db: TestDatabase;
const actor = { userId: undefined as unknown as string, name: 'test' };
let isp: string, other: string, agentA: string, agentB: string, otherAgent: string;
const accounts: Record<string, string> = {};

async function agent(tenantId: string, phone: string) {
	const [row] = await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role: 'agent', name: phone, phone, passwordHash: 'x' })
			.returning()
	);
	return row!.id;
}

async function register(tenantId: string, by: string, name: string, phone: string) {
	const { subscriber } = await withTenant(tenantId, (tx) =>
		registerSubscriber(tx, {
			tenantId,
			name,
			phone,
			kind: 'hotspot',
			routerId: null,
			packageId: null,
			registeredBy: by
		})
	);
	accounts[name] = subscriber.accountNumber;
}

const search = (tenantId: string, by: string, q: string) =>
	withTenant(tenantId, (tx) => listSubscribers(tx, { q, registeredBy: by })).then((page) =>
		page.rows.map((r) => r.name).sort()
	);

beforeAll(async () => {
	db = await openTestDatabase();
	isp = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Isp', slug: 'isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	other = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Other', slug: 'other', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	agentA = await agent(isp, '254711000901');
	agentB = await agent(isp, '254711000902');
	otherAgent = await agent(other, '254711000903');
	await register(isp, agentA, 'Wanjiru Kamau', '254712000911');
	await register(isp, agentA, 'Juma Kamau', '254712000912');
	await register(isp, agentB, 'Kamau Mwangi', '254712000913');
	await register(other, otherAgent, 'Kamau Otieno', '254712000914');
});

afterAll(async () => {
	await db?.close();
});

describe('an agent’s search', () => {
	it('finds the agent’s own subscribers by name, phone or account number', async () => {
		expect(await search(isp, agentA, 'kamau')).toEqual(['Juma Kamau', 'Wanjiru Kamau']);
		expect(await search(isp, agentA, 'wanj')).toEqual(['Wanjiru Kamau']);
		expect(await search(isp, agentA, '0712 000 912')).toEqual(['Juma Kamau']);
		expect(await search(isp, agentA, accounts['Wanjiru Kamau']!)).toEqual(['Wanjiru Kamau']);
	});

	it('finds nothing of another agent’s, by name, phone or account number', async () => {
		expect(await search(isp, agentA, 'mwangi')).toEqual([]);
		expect(await search(isp, agentA, '254712000913')).toEqual([]);
		expect(await search(isp, agentA, accounts['Kamau Mwangi']!)).toEqual([]);
		expect(await search(isp, agentB, 'kamau')).toEqual(['Kamau Mwangi']);
	});

	it('finds nothing of another tenant’s, even naming that tenant’s agent', async () => {
		// The tenant comes from the scope: naming another tenant's agent finds nothing through it.
		expect(await search(isp, otherAgent, 'kamau')).toEqual([]);
		expect(await search(isp, agentA, '254712000914')).toEqual([]);
		expect(await search(other, agentA, 'kamau')).toEqual([]);
	});
});
