import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../db';
import { rateLimits } from '../db/schema';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import {
	RATE_RULES,
	pruneRateLimits,
	sweepRateLimitsEvery,
	takeHits,
	windowStartOf,
	type RateRule
} from './rate-limit';

let db: TestDatabase;

beforeAll(async () => {
	db = await openTestDatabase();
});

afterAll(async () => {
	await db?.close();
});

// A fixed instant in the middle of a ten-minute window, so no test straddles a window edge by accident.
const at = (minutes: number) => new Date(Date.UTC(2025, 2, 3, 9, 0) + minutes * 60_000);
const pushes = (phone: string, ip: string, now: Date) =>
	takeHits(
		[
			{ rule: RATE_RULES.pushPerPhone, subject: phone },
			{ rule: RATE_RULES.pushPerIp, subject: ip }
		],
		now
	);

describe('the public pages’ rate limit', () => {
	it('lets five prompts to one phone through in ten minutes and refuses the sixth, saying how long to wait', async () => {
		for (let i = 1; i <= 5; i++)
			expect(await pushes('254712000001', '10.0.0.1', at(1)), `push ${i}`).toMatchObject({
				allowed: true,
				hits: i
			});
		const refused = await pushes('254712000001', '10.0.0.2', at(4));
		expect(refused).toEqual({ allowed: false, hits: 6, retryAfterSeconds: 6 * 60 });
	});

	it('starts counting again in the next window', async () => {
		for (let i = 0; i < 6; i++) await pushes('254712000002', '10.0.1.1', at(2));
		expect((await pushes('254712000002', '10.0.1.1', at(9))).allowed).toBe(false);
		expect(await pushes('254712000002', '10.0.1.1', at(10))).toMatchObject({
			allowed: true,
			hits: 1
		});
	});

	it('counts each phone and each address on its own', async () => {
		for (let i = 0; i < 5; i++) await pushes('254712000003', '10.0.2.1', at(1));
		expect((await pushes('254712000004', '10.0.2.1', at(1))).allowed).toBe(true);
		expect((await pushes('254712000003', '10.0.2.2', at(1))).allowed).toBe(false);
	});

	it('lets a busy hotspot’s customers through, and refuses an address past 120 prompts, whichever phones they went to', async () => {
		for (let i = 0; i < 120; i++)
			expect(
				(await pushes(`254713000${String(i).padStart(3, '0')}`, '10.0.3.1', at(1))).allowed
			).toBe(true);
		expect(await pushes('254713000999', '10.0.3.1', at(1))).toMatchObject({
			allowed: false,
			hits: 121
		});
	});

	it('loses no hit when twenty requests count at once', async () => {
		const rule: RateRule = { name: 'test:burst', limit: 100, windowMs: 60_000 };
		await Promise.all(Array.from({ length: 20 }, () => takeHits([{ rule, subject: 'x' }], at(1))));
		expect(await takeHits([{ rule, subject: 'x' }], at(1))).toMatchObject({ hits: 21 });
	});

	it('does not count a request without an address', async () => {
		expect(await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: undefined }], at(1))).toEqual({
			allowed: true,
			hits: 0,
			retryAfterSeconds: 0
		});
	});

	it('sweeps windows older than asked and keeps the rest', async () => {
		expect(windowStartOf(at(3), 10 * 60_000)).toEqual(at(0));
		await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: '10.0.4.1' }], at(1));
		await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: '10.0.4.1' }], at(-24 * 60));
		const removed = await withTenant(PLATFORM_TENANT_ID, (tx) => pruneRateLimits(tx, at(-60)));
		expect(removed).toBeGreaterThanOrEqual(1);
		const left = await withTenant(PLATFORM_TENANT_ID, (tx) => tx.select().from(rateLimits));
		expect(left.every((row) => row.windowStart >= at(-60))).toBe(true);
		expect(left.find((row) => row.key === 'lookup:ip:10.0.4.1')?.hits).toBe(1);
	});

	it('is swept in the background: day-old windows go, the current ones stay', async () => {
		const now = new Date();
		await takeHits(
			[{ rule: RATE_RULES.lookupPerIp, subject: '10.0.5.1' }],
			new Date(now.getTime() - 25 * 3_600_000)
		);
		await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: '10.0.5.2' }], now);
		const keys = async () =>
			(await withTenant(PLATFORM_TENANT_ID, (tx) => tx.select().from(rateLimits))).map(
				(row) => row.key
			);
		expect(await keys()).toContain('lookup:ip:10.0.5.1');
		const stop = sweepRateLimitsEvery(20);
		try {
			await expect.poll(keys, { timeout: 5_000 }).not.toContain('lookup:ip:10.0.5.1');
		} finally {
			stop();
		}
		expect(await keys()).toContain('lookup:ip:10.0.5.2');
	});
});
