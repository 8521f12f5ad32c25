import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db';
import { tenants, users } from '../db/schema';
import { login } from '../auth/login';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { DEMO_LOGINS, DEMO_PASSWORD } from './logins.js';
import { seedDemoIfEmpty } from './seed';

let db: TestDatabase;
beforeAll(async () => {
	db = await openTestDatabase();
});
afterAll(() => db?.close());

const counts = () =>
	withTenant(PLATFORM_TENANT_ID, async (tx) => ({
		tenants: (await tx.select().from(tenants)).length,
		users: (await tx.select().from(users)).length
	}));

describe('the demo seed', () => {
	it('seeds once, and a second start changes nothing', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const first = await counts();
		expect(first).toEqual({ tenants: 4, users: 5 });
		expect(await seedDemoIfEmpty()).toBe(false);
		expect(await counts()).toEqual(first);
	});

	it('lets every printed demo login in with the printed password', async () => {
		for (const { login: who } of DEMO_LOGINS) {
			expect((await login(who, DEMO_PASSWORD)).ok, who).toBe(true);
		}
	});
});
