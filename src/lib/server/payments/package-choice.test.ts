/**
 * Issue 12: paying never changes a plan by surprise. A subscriber on Daily (KES 50) chooses
 * "1 Hour" (KES 10) on /pay: that payment buys the hour, and only once it is paid; the plan stays
 * Daily, so the next paybill payment at Daily's price buys Daily. Both settling paths (the batched
 * callback and the one-at-a-time STK query) must leave the same rows.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { SANDBOX } from '../../../../tools/sim/daraja/merchants';
import { withTenant } from '../db';
import { ledgerEntries, payments, subscribers } from '../db/schema';
import { walletBalance } from '../billing/wallet';
import { updateSubscriber } from '../network/subscribers';
import { findPayer } from '../self-service/payer';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { registerC2bUrls } from './c2b';
import { reconcilePendingPayments, startStkPush } from './stk';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';

let db: TestDatabase;
let daraja: DarajaSim;
let hooks: HookServer;
let t: PaymentFixture;
let phoneSeq = 254712200000;
const nextPhone = () => String(++phoneSeq);

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 20, duplicateGapMs: 5 });
	hooks = await startHookServer();
	t = await paymentTenant({ slug: 'pay-choice', darajaUrl: daraja.url });
	await registerC2bUrls(t.tenantId, hooks.url);
});

afterEach(() => daraja.clearOutcomes());

afterAll(async () => {
	await hooks?.close();
	await daraja?.close();
	await db?.close();
});

const subscriberRow = (id: string) =>
	withTenant(
		t.tenantId,
		async (tx) => (await tx.select().from(subscribers).where(eq(subscribers.id, id)))[0]!
	);
const paymentRow = (id: string) =>
	withTenant(
		t.tenantId,
		async (tx) => (await tx.select().from(payments).where(eq(payments.id, id)))[0]!
	);
const ledgerOf = (id: string) =>
	withTenant(t.tenantId, (tx) =>
		tx
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.subscriberId, id))
			.orderBy(ledgerEntries.id)
	);
const balanceOf = (id: string) => withTenant(t.tenantId, (tx) => walletBalance(tx, id));

async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > until) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 20));
	}
}

/** An STK push for `packageId`, settled by its callback (the batch path) or by the STK query (one at a time). */
async function payFor(
	subscriberId: string,
	phone: string,
	packageId: string,
	path: 'callback' | 'query',
	resultCode = 0
) {
	daraja.setOutcome(phone, path === 'query' ? { deliver: 'never', resultCode } : { resultCode });
	const started = await startStkPush({
		tenantId: t.tenantId,
		subscriberId,
		packageId,
		channel: 'pay',
		callbackBase: hooks.url
	});
	if (path === 'query') {
		await daraja.waitForSettled(started.checkoutRequestId!);
		await reconcilePendingPayments(new Date(Date.now() + 2 * 60_000 + 1_000));
	}
	return waitUntil(async () => {
		const row = await paymentRow(started.id);
		return row.status !== 'pending' && row;
	});
}

async function paybill(account: string, amount: number) {
	const result = await daraja.payBill({
		ShortCode: SANDBOX.shortcode,
		Amount: amount,
		Msisdn: '254799999999',
		BillRefNumber: account
	});
	expect(result.outcome).toBe('completed');
	return waitUntil(
		async () =>
			(
				await withTenant(t.tenantId, (tx) =>
					tx.select().from(payments).where(eq(payments.receipt, result.transId))
				)
			)[0]
	);
}

describe.each(['callback', 'query'] as const)(
	'a package chosen on /pay, settled by the %s',
	(path) => {
		it('is bought for that payment only; the next paybill payment at the plan’s price buys the plan again', async () => {
			const s = await t.subscriber(nextPhone());
			expect(await subscriberRow(s.id)).toMatchObject({
				packageId: t.dailyId,
				planPackageId: null
			});

			const paid = await payFor(s.id, s.phone, t.hourId, path);
			expect(paid).toMatchObject({
				status: 'succeeded',
				packageId: t.hourId,
				boughtPackageId: t.hourId,
				boughtPriceKes: 10,
				walletAfterKes: 0
			});
			const onHour = await subscriberRow(s.id);
			// The hour is in force (the router gets its speed); Daily stays the plan.
			expect(onHour).toMatchObject({
				packageId: t.hourId,
				planPackageId: t.dailyId,
				status: 'active'
			});
			const hourEnds = onHour.expiresAt!.getTime();
			expect(hourEnds).toBeGreaterThan(Date.now() + 55 * 60_000);
			expect(hourEnds).toBeLessThan(Date.now() + 65 * 60_000);
			// The top-up page still suggests the plan.
			const lookup = await findPayer(t.tenantId, { account: s.accountNumber, phone: null });
			expect(lookup.ok && lookup.view.suggestedPackageId).toBe(t.dailyId);

			const byPaybill = await paybill(s.accountNumber, 50);
			expect(byPaybill).toMatchObject({
				status: 'succeeded',
				boughtPackageId: t.dailyId,
				boughtPriceKes: 50,
				walletAfterKes: 0
			});
			const back = await subscriberRow(s.id);
			expect(back).toMatchObject({ packageId: t.dailyId, planPackageId: null });
			// Paid time is never lost: the day starts where the hour ends.
			expect(back.expiresAt!.getTime() - hourEnds).toBe(24 * 3600_000);
			expect((await ledgerOf(s.id)).map((e) => [e.kind, e.amountKes, e.packageId])).toEqual([
				['payment', 10, null],
				['purchase', -10, t.hourId],
				['payment', 50, null],
				['purchase', -50, t.dailyId]
			]);
			expect(await balanceOf(s.id)).toBe(0);
		});

		it('a cancelled prompt after choosing another package leaves the plan and the wallet as they were', async () => {
			const s = await t.subscriber(nextPhone());
			const before = await subscriberRow(s.id);
			const failed = await payFor(s.id, s.phone, t.hourId, path, 1032);
			expect(failed).toMatchObject({
				status: 'failed',
				resultCode: 1032,
				boughtPackageId: null,
				walletAfterKes: null
			});
			const after = await subscriberRow(s.id);
			expect(after).toMatchObject({
				packageId: t.dailyId,
				planPackageId: null,
				status: before.status,
				expiresAt: before.expiresAt
			});
			expect(await ledgerOf(s.id)).toEqual([]);

			// And the paybill payment that follows buys the plan, Daily.
			const byPaybill = await paybill(s.accountNumber, 50);
			expect(byPaybill).toMatchObject({ boughtPackageId: t.dailyId });
			expect(await subscriberRow(s.id)).toMatchObject({
				packageId: t.dailyId,
				planPackageId: null
			});
		});
	}
);

describe('paying twice, and amounts that match no price', () => {
	it('a callback delivered three times buys the chosen package once and keeps the plan', async () => {
		const s = await t.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 3 });
		const started = await startStkPush({
			tenantId: t.tenantId,
			subscriberId: s.id,
			packageId: t.hourId,
			channel: 'pay',
			callbackBase: hooks.url
		});
		await waitUntil(async () => (await paymentRow(started.id)).status === 'succeeded');
		await daraja.waitForSettled(started.checkoutRequestId!);
		await new Promise((r) => setTimeout(r, 200));
		expect((await ledgerOf(s.id)).map((e) => [e.kind, e.amountKes])).toEqual([
			['payment', 10],
			['purchase', -10]
		]);
		expect(await subscriberRow(s.id)).toMatchObject({
			packageId: t.hourId,
			planPackageId: t.dailyId
		});
	});

	it('keeps a paybill payment below the price in the wallet, says so on the payment, and the next one tops it up to the plan', async () => {
		const s = await t.subscriber(nextPhone());
		const short = await paybill(s.accountNumber, 30);
		expect(short).toMatchObject({
			status: 'succeeded',
			boughtPackageId: null,
			boughtPriceKes: null,
			walletAfterKes: 30
		});
		expect(await subscriberRow(s.id)).toMatchObject({ packageId: t.dailyId, status: 'pending' });
		const rest = await paybill(s.accountNumber, 30);
		// 30 + 30 covers Daily's 50: bought, 10 left.
		expect(rest).toMatchObject({
			boughtPackageId: t.dailyId,
			boughtPriceKes: 50,
			walletAfterKes: 10
		});
		expect(await balanceOf(s.id)).toBe(10);
	});

	it('keeps what a paybill payment above the price leaves, and a manager’s change of package becomes the plan', async () => {
		const s = await t.subscriber(nextPhone());
		await payFor(s.id, s.phone, t.hourId, 'callback');
		expect(await subscriberRow(s.id)).toMatchObject({
			packageId: t.hourId,
			planPackageId: t.dailyId
		});
		const over = await paybill(s.accountNumber, 70);
		expect(over).toMatchObject({
			boughtPackageId: t.dailyId,
			boughtPriceKes: 50,
			walletAfterKes: 20
		});

		await withTenant(t.tenantId, (tx) => updateSubscriber(tx, s.id, { packageId: t.hourId }));
		expect(await subscriberRow(s.id)).toMatchObject({ packageId: t.hourId, planPackageId: null });
		const next = await paybill(s.accountNumber, 10);
		expect(next).toMatchObject({ boughtPackageId: t.hourId, walletAfterKes: 20 });
	});
});
