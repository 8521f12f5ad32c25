import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq, inArray, sql } from 'drizzle-orm';
import { withTenant } from '../db';
import { ledgerEntries, payments, subscribers } from '../db/schema';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { handleMpesaCallback } from './apply-callbacks';
import { paymentTenant, type PaymentFixture } from '../testing/payments';

let db: TestDatabase;
let fixture: PaymentFixture;
let run = 0;

beforeAll(async () => {
	db = await openTestDatabase();
	// The Daraja URL is never called here: callbacks are posted straight to the handler.
	fixture = await paymentTenant({ slug: 'pay-property', darajaUrl: 'http://127.0.0.1:9' });
});

afterAll(() => db?.close());

interface Push {
	checkoutRequestId: string;
	receipt: string;
	resultCode: number;
	paymentId: string;
	subscriberId: string;
}

function stkBody(push: Push, amount: number): string {
	const success = push.resultCode === 0;
	return JSON.stringify({
		Body: {
			stkCallback: {
				MerchantRequestID: `m-${push.checkoutRequestId}`,
				CheckoutRequestID: push.checkoutRequestId,
				ResultCode: push.resultCode,
				ResultDesc: success
					? 'The service request is processed successfully.'
					: 'Request cancelled by user',
				...(success
					? {
							CallbackMetadata: {
								Item: [
									{ Name: 'Amount', Value: amount },
									{ Name: 'MpesaReceiptNumber', Value: push.receipt },
									{ Name: 'TransactionDate', Value: 20261125120000 },
									{ Name: 'PhoneNumber', Value: 254700000000 }
								]
							}
						}
					: {})
			}
		}
	});
}

/** Pending pushes as startStkPush leaves them, some sharing a subscriber (so credits race on one wallet). */
async function createPushes(outcomes: number[], subscriberCount: number): Promise<Push[]> {
	run++;
	const subs: Awaited<ReturnType<PaymentFixture['subscriber']>>[] = [];
	for (let i = 0; i < subscriberCount; i++)
		subs.push(
			await fixture.subscriber(`2547${String(run).padStart(4, '0')}${String(i).padStart(4, '0')}`)
		);
	return withTenant(fixture.tenantId, async (tx) => {
		const pushes: Push[] = [];
		for (const [i, resultCode] of outcomes.entries()) {
			const subscriber = subs[i % subs.length]!;
			const checkoutRequestId = `ws_CO_P${run}_${i}`;
			const [row] = await tx
				.insert(payments)
				.values({
					tenantId: fixture.tenantId,
					source: 'stk',
					channel: 'pay',
					status: 'pending',
					subscriberId: subscriber.id,
					packageId: fixture.hourId,
					phone: subscriber.phone,
					amountKes: 10,
					accountReference: subscriber.accountNumber,
					checkoutRequestId,
					merchantRequestId: `m-${checkoutRequestId}`
				})
				.returning();
			pushes.push({
				checkoutRequestId,
				receipt: `R${String(run).padStart(3, '0')}X${String(i).padStart(5, '0')}`,
				resultCode,
				paymentId: row!.id,
				subscriberId: subscriber.id
			});
		}
		return pushes;
	});
}

describe('callbacks under duplication, reordering and loss (property)', () => {
	it('credits each receipt at most once, and every wallet equals the sum of its entries and never goes below zero', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(0, 0, 0, 1032, 1037, 1, 2001), { minLength: 1, maxLength: 6 }),
				fc.integer({ min: 1, max: 3 }),
				// Each delivery: which push, and whether it goes out together with the next one (concurrently).
				fc.array(fc.record({ push: fc.nat(), together: fc.boolean() }), {
					minLength: 0,
					maxLength: 18
				}),
				async (outcomes, subscriberCount, deliveries) => {
					const pushes = await createPushes(outcomes, subscriberCount);
					const send = (push: Push) =>
						handleMpesaCallback({
							tenantId: fixture.tenantId,
							token: fixture.callbackToken,
							kind: 'stk',
							body: stkBody(push, 10),
							contentType: 'application/json',
							remoteAddress: null
						});
					let batch: Push[] = [];
					for (const delivery of deliveries) {
						batch.push(pushes[delivery.push % pushes.length]!);
						if (!delivery.together) {
							const answers = await Promise.all(batch.map(send));
							expect(answers.every((a) => a.status === 200)).toBe(true);
							batch = [];
						}
					}
					await Promise.all(batch.map(send));

					const delivered = new Set(
						deliveries.map((d) => pushes[d.push % pushes.length]!.checkoutRequestId)
					);
					const subscriberIds = [...new Set(pushes.map((p) => p.subscriberId))];
					const { entries, rows } = await withTenant(fixture.tenantId, async (tx) => ({
						entries: await tx
							.select()
							.from(ledgerEntries)
							.where(inArray(ledgerEntries.subscriberId, subscriberIds)),
						rows: await tx
							.select()
							.from(payments)
							.where(
								inArray(
									payments.id,
									pushes.map((p) => p.paymentId)
								)
							)
					}));
					for (const push of pushes) {
						const credits = entries.filter(
							(e) => e.kind === 'payment' && e.reference === push.receipt
						);
						const expected = push.resultCode === 0 && delivered.has(push.checkoutRequestId) ? 1 : 0;
						expect(credits).toHaveLength(expected);
						const row = rows.find((r) => r.id === push.paymentId)!;
						expect(row.status).toBe(
							!delivered.has(push.checkoutRequestId)
								? 'pending'
								: push.resultCode === 0
									? 'succeeded'
									: 'failed'
						);
						// Batched or one at a time, a payment records what it bought and what it left.
						if (row.status === 'succeeded')
							expect(row).toMatchObject({
								boughtPackageId: fixture.hourId,
								boughtPriceKes: 10,
								walletAfterKes: 0
							});
						else expect(row).toMatchObject({ boughtPackageId: null, walletAfterKes: null });
					}
					for (const subscriberId of subscriberIds) {
						const own = entries.filter((e) => e.subscriberId === subscriberId);
						const sum = own.reduce((total, e) => total + e.amountKes, 0);
						const [balance] = await withTenant(fixture.tenantId, (tx) =>
							tx
								.select({ b: sql<number>`coalesce(sum(amount_kes), 0)::int` })
								.from(ledgerEntries)
								.where(eq(ledgerEntries.subscriberId, subscriberId))
						);
						expect(balance!.b).toBe(sum);
						expect(sum).toBeGreaterThanOrEqual(0);
						// Every credited 10 bought the 10-shilling hour: nothing is left over.
						expect(sum).toBe(0);
						// The hour chosen for those payments is in force; the plan (Daily) is kept, never replaced.
						const [subscriber] = await withTenant(fixture.tenantId, (tx) =>
							tx.select().from(subscribers).where(eq(subscribers.id, subscriberId))
						);
						const bought = own.some((e) => e.kind === 'purchase');
						expect(subscriber).toMatchObject(
							bought
								? { packageId: fixture.hourId, planPackageId: fixture.dailyId }
								: { packageId: fixture.dailyId, planPackageId: null }
						);
					}
				}
			),
			{ numRuns: 40 }
		);
	}, 120_000);
});
