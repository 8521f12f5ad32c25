import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { ledgerEntries, provisioningJobs, subscribers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { databaseError } from '../testing/errors';
import { createPackage } from '../network/packages';
import { createRouter } from '../network/routers';
import { SubscriberHasHistory, deleteSubscriber, registerSubscriber } from '../network/subscribers';
import { WalletError, buyPackage, creditWallet, reverseCredit, walletBalance } from './wallet';

let db: TestDatabase;
let tenantId: string;
let routerId: string;
let dailyId: string;
let phone = 254712700000;

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Wallet ISP', slug: 'wallet-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	await withTenant(tenantId, async (tx) => {
		routerId = (
			await createRouter(tx, tenantId, {
				name: 'HQ',
				host: '127.0.0.1',
				port: 8728,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		).id;
		dailyId = (
			await createPackage(tx, tenantId, {
				name: 'Daily',
				kind: 'hotspot',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '2M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
	});
});

afterAll(() => db?.close());

const newSubscriber = () =>
	withTenant(
		tenantId,
		async (tx) =>
			(
				await registerSubscriber(tx, {
					tenantId,
					name: 'Wallet Owner',
					phone: String(++phone),
					kind: 'hotspot',
					routerId,
					packageId: dailyId,
					registeredBy: null
				})
			).subscriber
	);

const inTenant = <T>(fn: Parameters<typeof withTenant<T>>[1]) => withTenant(tenantId, fn);

describe('the wallet', () => {
	it('credits a payment, buys the package from it, renews and queues the router job in one go', async () => {
		const s = await newSubscriber();
		const result = await inTenant(async (tx) => {
			await creditWallet(tx, {
				subscriberId: s.id,
				kind: 'payment',
				amountKes: 70,
				reference: 'NLJ7RT61SV'
			});
			return buyPackage(tx, s.id);
		});
		expect(result.entry.amountKes).toBe(-50);
		expect(result.subscriber.status).toBe('active');
		expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(20);
		const jobs = await inTenant((tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.subscriberId, s.id))
		);
		expect(jobs).toHaveLength(2); // registration, then the renewal
	});

	it('refuses a purchase the balance does not cover and changes nothing', async () => {
		const s = await newSubscriber();
		await inTenant((tx) => creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 49 }));
		await expect(inTenant((tx) => buyPackage(tx, s.id))).rejects.toMatchObject({
			reason: 'insufficient'
		});
		const [after] = await inTenant((tx) =>
			tx.select().from(subscribers).where(eq(subscribers.id, s.id))
		);
		expect(after).toMatchObject({ status: 'pending', expiresAt: null });
		expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(49);
	});

	it.each([0, -10, 10.5, 1_000_001, Number.NaN])(
		'refuses a credit of %s shillings',
		async (amount) => {
			const s = await newSubscriber();
			await expect(
				inTenant((tx) => creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: amount }))
			).rejects.toBeInstanceOf(WalletError);
			expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(0);
		}
	);

	it('reverses a credit once, and never below a zero balance', async () => {
		const s = await newSubscriber();
		const cash = await inTenant((tx) =>
			creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 100 })
		);
		await inTenant((tx) => reverseCredit(tx, cash.id, null, 'typed 100 instead of 10'));
		expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(0);
		await expect(
			inTenant((tx) => reverseCredit(tx, cash.id, null, 'again'))
		).rejects.toBeInstanceOf(WalletError);

		const spent = await inTenant((tx) =>
			creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 50 })
		);
		await inTenant((tx) => buyPackage(tx, s.id));
		await expect(
			inTenant((tx) => reverseCredit(tx, spent.id, null, 'too late'))
		).rejects.toMatchObject({ reason: 'insufficient' });
	});

	it('keeps a subscriber with wallet history from being deleted', async () => {
		const s = await newSubscriber();
		await inTenant((tx) => creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 10 }));
		await expect(inTenant((tx) => deleteSubscriber(tx, s.id))).rejects.toBeInstanceOf(
			SubscriberHasHistory
		);
		expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(10);
	});

	it('keeps the ledger append-only for the application', async () => {
		const s = await newSubscriber();
		await inTenant((tx) => creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 10 }));
		expect(
			await databaseError(inTenant((tx) => tx.update(ledgerEntries).set({ amountKes: 1000 })))
		).toMatch(/permission denied/);
		expect(await databaseError(inTenant((tx) => tx.delete(ledgerEntries)))).toMatch(
			/permission denied/
		);
	});

	it('lets only one of two purchases at the same moment spend the same shillings', async () => {
		const s = await newSubscriber();
		await inTenant((tx) =>
			creditWallet(tx, { subscriberId: s.id, kind: 'payment', amountKes: 50 })
		);
		const outcomes = await Promise.allSettled([
			inTenant((tx) => buyPackage(tx, s.id)),
			inTenant((tx) => buyPackage(tx, s.id))
		]);
		expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
		expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(0);
	});

	it('balances to the sum of its entries and never below zero, whatever the order of events', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(
					fc.oneof(
						fc.record({
							op: fc.constant('credit' as const),
							amount: fc.integer({ min: 1, max: 120 })
						}),
						fc.record({ op: fc.constant('buy' as const) }),
						fc.record({ op: fc.constant('reverse' as const), pick: fc.nat() })
					),
					{ minLength: 1, maxLength: 12 }
				),
				async (events) => {
					const s = await newSubscriber();
					const credits: number[] = [];
					for (const event of events) {
						await inTenant(async (tx) => {
							if (event.op === 'credit')
								credits.push(
									(
										await creditWallet(tx, {
											subscriberId: s.id,
											kind: 'payment',
											amountKes: event.amount
										})
									).id
								);
							else if (event.op === 'buy') await buyPackage(tx, s.id);
							else if (credits.length)
								await reverseCredit(tx, credits[event.pick % credits.length]!, null, 'property');
						}).catch((e) => {
							if (!(e instanceof WalletError)) throw e;
						});
						const entries = await inTenant((tx) =>
							tx.select().from(ledgerEntries).where(eq(ledgerEntries.subscriberId, s.id))
						);
						const sum = entries.reduce((total, e) => total + e.amountKes, 0);
						expect(await inTenant((tx) => walletBalance(tx, s.id))).toBe(sum);
						expect(sum).toBeGreaterThanOrEqual(0);
					}
				}
			),
			{ numRuns: 15 }
		);
	}, 120_000);
});
