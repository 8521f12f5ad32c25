/**
 * Issue 11 item 6: guesses are counted before they are checked, a stranger cannot lock the owner
 * out, the owner hears about failed attempts, and IPv6 addresses count per /64.
 * Runs on real Postgres with TEST_DATABASE_URL (24 logins at once over a pool of connections).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withTenant } from '../db';
import { users } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import * as password from './password';
import { login } from './login';
import { ACCOUNT_FREE_FAILURES, MAX_FAILURES, accountDelayMs } from './throttle';

vi.mock('./password', async (importOriginal) => {
	const real = await importOriginal<typeof import('./password')>();
	return {
		...real,
		verifyPassword: vi.fn(real.verifyPassword),
		verifyAgainstNothing: vi.fn(real.verifyAgainstNothing)
	};
});

let db: TestDatabase;
let tenantId: string;
const PASSWORD = 'correct horse battery';

async function addManager(phone: string) {
	const passwordHash = await password.hashPassword(PASSWORD);
	await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role: 'tenant_admin', name: `Manager ${phone}`, phone, passwordHash })
	);
}

/** Records the account-wide slowdown instead of waiting it out. */
function pauses() {
	const waited: number[] = [];
	return { waited, pause: async (ms: number) => void waited.push(ms) };
}

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 'test' };
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Login ISP', slug: 'login-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
});

afterAll(() => db?.close());

describe('logins under attack', () => {
	it('checks at most five of 24 wrong passwords sent at once', async () => {
		await addManager('254713000001');
		const verify = vi.mocked(password.verifyPassword);
		verify.mockClear();
		const { pause } = pauses();
		const results = await Promise.all(
			Array.from({ length: 24 }, (_, i) =>
				login('0713000001', `guess ${i}`, { ip: '203.0.113.7' }, { pause })
			)
		);
		expect(verify.mock.calls.length).toBeLessThanOrEqual(MAX_FAILURES);
		expect(results.filter((r) => !r.ok && r.reason === 'invalid').length).toBeLessThanOrEqual(
			MAX_FAILURES
		);
		expect(results.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThanOrEqual(
			24 - MAX_FAILURES
		);
		// The address that was guessing stays locked out of this account, even with the right password.
		expect(await login('0713000001', PASSWORD, { ip: '203.0.113.7' }, { pause })).toMatchObject({
			ok: false,
			reason: 'locked'
		});
	});

	it('lets the owner in from an address that has not been failing, slowed down but not locked, and tells them', async () => {
		await addManager('254713000002');
		const { waited, pause } = pauses();
		// A stranger who knows the phone number, from a few addresses, until each is locked.
		for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
			for (let i = 0; i < MAX_FAILURES + 2; i++)
				await login('0713000002', `guess ${i}`, { ip }, { pause });
		}
		expect(await login('0713000002', PASSWORD, { ip: '198.51.100.1' }, { pause })).toMatchObject({
			ok: false,
			reason: 'locked'
		});

		waited.length = 0;
		const owner = await login('0713000002', PASSWORD, { ip: '192.0.2.44' }, { pause });
		expect(owner.ok).toBe(true);
		// The account as a whole was slowed down, not locked.
		expect(waited.length).toBe(1);
		expect(waited[0]).toBeGreaterThan(0);
		// The owner hears how many attempts failed (three addresses × five checked guesses), once.
		expect(owner.ok && owner.failedAttempts?.failures).toBe(3 * MAX_FAILURES);
		const again = await login('0713000002', PASSWORD, { ip: '192.0.2.44' }, { pause });
		expect(again.ok && again.failedAttempts).toBeNull();
	});

	it('slows an account down more the more it is guessed at, up to a few seconds', () => {
		expect(accountDelayMs(ACCOUNT_FREE_FAILURES)).toBe(0);
		expect(accountDelayMs(ACCOUNT_FREE_FAILURES + 1)).toBeGreaterThan(0);
		expect(accountDelayMs(ACCOUNT_FREE_FAILURES + 3)).toBeGreaterThan(
			accountDelayMs(ACCOUNT_FREE_FAILURES + 1)
		);
		expect(accountDelayMs(1000)).toBeLessThanOrEqual(5_000);
	});

	it('still locks when the client address is unknown (a proxy that did not say)', async () => {
		await addManager('254713000004');
		const { pause } = pauses();
		for (let i = 0; i < MAX_FAILURES; i++) await login('0713000004', `guess ${i}`, {}, { pause });
		expect(await login('0713000004', PASSWORD, {}, { pause })).toMatchObject({
			ok: false,
			reason: 'locked'
		});
		expect(await login('0713000004', PASSWORD, { ip: '192.0.2.80' }, { pause })).toMatchObject({
			ok: true
		});
	});

	it('counts guesses from one IPv6 /64 together, whichever address in it they come from', async () => {
		await addManager('254713000003');
		const { pause } = pauses();
		for (let i = 1; i <= MAX_FAILURES; i++) {
			expect(
				await login(
					'0713000003',
					`guess ${i}`,
					{ ip: `2001:db8:aa:1::${i.toString(16)}` },
					{ pause }
				)
			).toMatchObject({ reason: 'invalid' });
		}
		expect(
			await login('0713000003', PASSWORD, { ip: '2001:db8:aa:1:ffff:1:2:3' }, { pause })
		).toMatchObject({ ok: false, reason: 'locked' });
		expect(
			await login('0713000003', PASSWORD, { ip: '2001:db8:aa:2::1' }, { pause })
		).toMatchObject({ ok: true });
	});
});
