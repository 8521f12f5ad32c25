/**
 * Issue 11, item 8: the public pages cannot be used to ring a stranger's phone all day, to prompt
 * "for" someone's account from phone after phone, or to spend a tenant's day of prompts. Counted
 * where it matters: the STK requests the Daraja simulator received.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { withTenant } from '../db';
import { subscribers } from '../db/schema';
import { paymentTenant, startHookServer, type HookServer } from '../testing/payments';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { portalPurchase } from './portal';
import { PROMPT_RULES } from './prompt-limits';
import { startSelfServicePush, type PushOutcome } from './push';

const TENANT_DAY = 30;
vi.hoisted(() => {
	process.env.PUBLIC_PROMPTS_PER_TENANT_DAY = '30';
});

let db: TestDatabase;
let daraja: DarajaSim;
let hooks: HookServer;
let phoneSeq = 254712600000;
const nextPhone = () => String(++phoneSeq);
let addressSeq = 0;
/** Each prompt from its own address, so only the limit under test can refuse it. */
const nextAddress = () => `10.60.${Math.floor(++addressSeq / 250)}.${addressSeq % 250}`;

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 5 });
	hooks = await startHookServer();
	// Every customer cancels at once, so the phone is free for the next prompt.
	daraja.setOutcome('default', { resultCode: 1032, delayMs: 5 });
});

afterAll(async () => {
	await hooks?.close();
	await daraja?.close();
	await db?.close();
});

const pushesTo = (phone: string) => daraja.pushes.filter((p) => p.phoneNumber === phone).length;

async function settledAtDaraja(outcome: PushOutcome) {
	if (!outcome.ok) return;
	const last = daraja.pushes.at(-1);
	if (last) await daraja.waitForSettled(last.checkoutRequestId, 5_000);
}

describe('prompts from the public pages', () => {
	it('sends one payer phone at most 20 prompts a day, however the ten-minute windows fall', async () => {
		const isp = await paymentTenant({ slug: 'limits-phone-day', darajaUrl: daraja.url });
		const s = await isp.subscriber(nextPhone());
		// A day starting at midnight UTC; five prompts in each ten-minute window (the burst limit).
		const day = Date.UTC(2030, 0, 15);
		const outcomes: PushOutcome[] = [];
		for (let i = 0; i < 25; i++) {
			const now = new Date(day + Math.floor(i / 5) * 11 * 60_000 + i * 1000);
			const outcome = await startSelfServicePush(
				{
					tenantId: isp.tenantId,
					subscriberId: s.id,
					packageId: isp.dailyId,
					phone: s.phone,
					ownPhone: s.phone,
					channel: 'pay',
					clientAddress: nextAddress(),
					callbackBase: hooks.url
				},
				now
			);
			outcomes.push(outcome);
			await settledAtDaraja(outcome);
		}
		expect(pushesTo(s.phone)).toBe(PROMPT_RULES.phonePerDay.limit);
		expect(outcomes.slice(0, 20).every((o) => o.ok)).toBe(true);
		for (const refused of outcomes.slice(20))
			expect(refused).toMatchObject({
				ok: false,
				refusal: { kind: 'too-many', status: 429, limit: 'phone-day' }
			});
	});

	it('lets a phone that is not the subscriber’s own prompt for that account twice an hour; the own phone still pays', async () => {
		const isp = await paymentTenant({ slug: 'limits-foreign', darajaUrl: daraja.url });
		const s = await isp.subscriber(nextPhone());
		const stranger = nextPhone();
		const push = (phone: string) =>
			startSelfServicePush({
				tenantId: isp.tenantId,
				subscriberId: s.id,
				packageId: isp.dailyId,
				phone,
				ownPhone: s.phone,
				channel: 'pay',
				clientAddress: nextAddress(),
				callbackBase: hooks.url
			});
		const outcomes: PushOutcome[] = [];
		for (let i = 0; i < 4; i++) {
			const outcome = await push(stranger);
			outcomes.push(outcome);
			await settledAtDaraja(outcome);
		}
		expect(pushesTo(stranger)).toBe(2);
		expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, false]);
		expect(outcomes[2]).toMatchObject({
			ok: false,
			refusal: {
				kind: 'too-many',
				status: 429,
				limit: 'foreign-payer',
				retryAfterSeconds: expect.any(Number)
			}
		});
		const own = await push(s.phone);
		expect(own.ok).toBe(true);
		await settledAtDaraja(own);
		expect(pushesTo(s.phone)).toBe(1);
	});

	it('stops a tenant at its daily cap, counted atomically when prompts arrive at once, on /pay and on the portal', async () => {
		const isp = await paymentTenant({ slug: 'limits-tenant-day', darajaUrl: daraja.url });
		const customers = await Promise.all(
			Array.from({ length: TENANT_DAY + 6 }, () => isp.subscriber(nextPhone()))
		);
		const before = daraja.pushes.length;
		const outcomes = await Promise.all(
			customers.map((s) =>
				startSelfServicePush({
					tenantId: isp.tenantId,
					subscriberId: s.id,
					packageId: isp.dailyId,
					phone: s.phone,
					ownPhone: s.phone,
					channel: 'pay',
					clientAddress: nextAddress(),
					callbackBase: hooks.url
				})
			)
		);
		expect(daraja.pushes.length - before).toBe(TENANT_DAY);
		expect(outcomes.filter((o) => o.ok)).toHaveLength(TENANT_DAY);
		for (const refused of outcomes.filter((o) => !o.ok))
			expect(refused).toMatchObject({
				refusal: { kind: 'too-many', status: 429, limit: 'tenant-day' }
			});

		// The captive portal draws on the same day, and a refused buyer leaves no hotspot user behind.
		const phone = nextPhone();
		const atPortal = await portalPurchase({
			tenantId: isp.tenantId,
			phone,
			packageId: isp.dailyId,
			routerId: null,
			device: null,
			clientAddress: nextAddress(),
			callbackBase: hooks.url
		});
		expect(atPortal).toMatchObject({
			ok: false,
			refusal: { kind: 'too-many', limit: 'tenant-day' }
		});
		expect(daraja.pushes.length - before).toBe(TENANT_DAY);
		expect(
			await withTenant(isp.tenantId, (tx) =>
				tx.select().from(subscribers).where(eq(subscribers.phone, phone))
			)
		).toEqual([]);
	});

	it('does not let prompts refused by another limit use up the tenant’s day', async () => {
		const isp = await paymentTenant({ slug: 'limits-tenant-fair', darajaUrl: daraja.url });
		const s = await isp.subscriber(nextPhone());
		// A flood at one stranger's phone: refused by the per-phone limit after five.
		const victim = nextPhone();
		for (let i = 0; i < TENANT_DAY + 5; i++) {
			const outcome = await startSelfServicePush({
				tenantId: isp.tenantId,
				subscriberId: s.id,
				packageId: isp.dailyId,
				phone: victim,
				ownPhone: victim,
				channel: 'pay',
				clientAddress: nextAddress(),
				callbackBase: hooks.url
			});
			await settledAtDaraja(outcome);
		}
		expect(pushesTo(victim)).toBe(5);
		const owner = await startSelfServicePush({
			tenantId: isp.tenantId,
			subscriberId: s.id,
			packageId: isp.dailyId,
			phone: s.phone,
			ownPhone: s.phone,
			channel: 'pay',
			clientAddress: nextAddress(),
			callbackBase: hooks.url
		});
		expect(owner.ok).toBe(true);
	});
});
