/**
 * The STK batch (stk-batch.ts) and the one-at-a-time path (applyStk → settleSucceeded → buyPackage
 * → renewSubscription) are two ways to apply the same rules. Each case builds two tenants with the
 * same subscribers, wallets, packages and pending pushes, delivers the same callbacks to both —
 * in bursts to the batch path, one transaction each to the other (applyStk) — and compares what they end with:
 * expiry and plan, ledger entries, payments, router jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq, inArray, sql } from 'drizzle-orm';
import { withTenant } from '../db';
import {
	ledgerEntries,
	mpesaSettings,
	packages,
	payments,
	provisioningJobs,
	subscribers,
	type MpesaSettings,
	type SubscriberStatus,
	type ValidityUnit
} from '../db/schema';
import { createPackage, setPackageActive } from '../network/packages';
import { encryptSecret } from '../security/secrets';
import { renewalClock } from '../billing/renewals';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { handleMpesaCallback } from './apply-callbacks';
import { applyStk } from './apply-stk-result';
import { paymentTenant } from '../testing/payments';

let db: TestDatabase;
/** "Now" for both paths: renewals count from this instant, whichever transaction runs them. */
const T0 = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const realClock = renewalClock.now;

beforeAll(async () => {
	db = await openTestDatabase();
	renewalClock.now = () => sql`${T0.toISOString()}::timestamptz`;
	PASSWORD = encryptSecret('not-used');
	batched = await tenantSide('batched');
	single = await tenantSide('single');
});

afterAll(async () => {
	renewalClock.now = realClock;
	await db?.close();
});

/** The packages besides the fixture's Daily (50, 1 day) and 1 Hour (10, 1 hour). */
const EXTRA: {
	name: string;
	price: number;
	unit: ValidityUnit;
	count: number;
	kind?: 'pppoe';
	retired?: true;
}[] = [
	{ name: '30 Min', price: 5, unit: 'minutes', count: 30 },
	{ name: 'Weekly', price: 300, unit: 'days', count: 7 },
	{ name: 'Monthly', price: 1000, unit: 'months', count: 1 },
	{ name: 'Old 3 Hours', price: 20, unit: 'hours', count: 3, retired: true },
	{ name: 'Home 5M', price: 1500, unit: 'months', count: 1, kind: 'pppoe' }
];
const PACKAGES = ['Daily', '1 Hour', ...EXTRA.map((p) => p.name)];
const PRICE: Record<string, number> = {
	Daily: 50,
	'1 Hour': 10,
	...Object.fromEntries(EXTRA.map((p) => [p.name, p.price]))
};

interface SubscriberCase {
	/** The package in force (index into PACKAGES), or none yet. */
	inForce: number | null;
	/** A plan kept aside by an earlier one-off purchase. */
	planAside: number | null;
	/** Minutes from T0, or never paid. */
	expiry: number | null;
	status: SubscriberStatus;
	onRouter: boolean;
	wallet: number;
}

interface PushCase {
	subscriber: number;
	/** The package chosen for this payment, or none (the plan). */
	chosen: number | null;
	/** The amount asked: a price, or any amount. */
	amount: { price: number } | { any: number };
	outcome: 'paid' | 'cancelled' | 'wrong-amount';
	/** Marked failed by the 10-minute rule before its callback came. */
	failedBefore: boolean;
}

const packageIndex = fc.nat({ max: PACKAGES.length - 1 });
const subscriberCase: fc.Arbitrary<SubscriberCase> = fc.record({
	inForce: fc.option(packageIndex, { nil: null, freq: 4 }),
	planAside: fc.option(packageIndex, { nil: null, freq: 2 }),
	expiry: fc.option(fc.constantFrom(-100_000, -600, -1, 1, 45, 3_000, 50_000), {
		nil: null,
		freq: 4
	}),
	status: fc.constantFrom<SubscriberStatus>('pending', 'active', 'expired', 'suspended'),
	onRouter: fc.boolean(),
	wallet: fc.constantFrom(0, 0, 0, 4, 30, 45, 990)
});
const pushCase: fc.Arbitrary<PushCase> = fc.record({
	subscriber: fc.nat(),
	chosen: fc.option(packageIndex, { nil: null }),
	amount: fc.oneof(
		fc.record({ price: packageIndex }),
		fc.record({ any: fc.constantFrom(1, 5, 9, 10, 25, 49, 50, 60, 300, 1000, 1600) })
	),
	outcome: fc.constantFrom<PushCase['outcome']>(
		'paid',
		'paid',
		'paid',
		'cancelled',
		'wrong-amount'
	),
	failedBefore: fc.boolean()
});
/** Each delivery: which push, and whether it goes out together with the next one (one burst). */
const deliveryCase = fc.record({ push: fc.nat(), together: fc.boolean() });

interface Side {
	tenantId: string;
	routerId: string;
	callbackToken: string;
	settings: MpesaSettings;
	/** CheckoutRequestIDs are unique across tenants: each side has its own prefix. */
	prefix: string;
	packageIds: string[];
}

/** A tenant with the fixture's router, settings, Daily and 1 Hour, and the EXTRA packages. */
async function tenantSide(prefix: string): Promise<Side> {
	const fixture = await paymentTenant({ slug: `bvs-${prefix}`, darajaUrl: 'http://127.0.0.1:9' });
	const { tenantId } = fixture;
	return withTenant(tenantId, async (tx) => {
		const packageIds = [fixture.dailyId, fixture.hourId];
		for (const p of EXTRA) {
			const pkg = await createPackage(tx, tenantId, {
				name: p.name,
				kind: p.kind ?? 'hotspot',
				priceKes: p.price,
				validityUnit: p.unit,
				validityCount: p.count,
				rateLimit: '1M/2M',
				dataCapMb: null,
				sharedDevices: 1
			});
			if (p.retired) await setPackageActive(tx, pkg.id, false);
			packageIds.push(pkg.id);
		}
		const [settings] = await tx
			.select()
			.from(mpesaSettings)
			.where(eq(mpesaSettings.tenantId, tenantId));
		return {
			tenantId,
			settings: settings!,
			routerId: fixture.routerId,
			callbackToken: fixture.callbackToken,
			prefix: prefix.toUpperCase(),
			packageIds
		};
	});
}

let batched: Side;
let single: Side;
let caseNo = 0;
/** Never read here: the router is never called. */
let PASSWORD: string;

/**
 * The case's subscribers, wallets and pending pushes, made the same way on a side. Each case has
 * its own subscribers in the two tenants made once for the file: cheaper than two tenants a case.
 */
async function buildCase(
	side: Side,
	subs: SubscriberCase[],
	pushes: PushCase[]
): Promise<string[]> {
	const { tenantId, packageIds } = side;
	// Multi-row inserts: a case's setup is three statements a side.
	return withTenant(tenantId, async (tx) => {
		const rows = await tx
			.insert(subscribers)
			.values(
				subs.map((s, i) => {
					const inForce = s.inForce === null ? null : packageIds[s.inForce]!;
					const account = `${caseNo}0${i}`;
					return {
						tenantId,
						accountNumber: account,
						name: `Customer ${caseNo}-${i}`,
						phone: `2547${String(caseNo).padStart(7, '0')}${i}`,
						kind:
							s.inForce !== null && EXTRA[s.inForce - 2]?.kind === 'pppoe'
								? ('pppoe' as const)
								: ('hotspot' as const),
						routerId: s.onRouter ? side.routerId : null,
						packageId: inForce,
						planPackageId: inForce && s.planAside !== null ? packageIds[s.planAside]! : null,
						expiresAt: s.expiry === null ? null : new Date(T0.getTime() + s.expiry * 60_000),
						status: s.status,
						routerUsername: account,
						routerPasswordEnc: PASSWORD
					};
				})
			)
			.returning({ id: subscribers.id, account: subscribers.accountNumber });
		const subscriberIds = subs.map((_, i) => rows.find((r) => r.account === `${caseNo}0${i}`)!.id);
		const wallets = subs.flatMap((s, i) =>
			s.wallet > 0
				? [
						{
							tenantId,
							subscriberId: subscriberIds[i]!,
							kind: 'cash' as const,
							amountKes: s.wallet
						}
					]
				: []
		);
		if (wallets.length > 0) await tx.insert(ledgerEntries).values(wallets);
		await tx.insert(payments).values(
			pushes.map((p, i) => {
				const checkoutRequestId = checkoutOf(side, i);
				return {
					tenantId,
					source: 'stk' as const,
					channel: 'pay' as const,
					status: p.failedBefore ? ('failed' as const) : ('pending' as const),
					subscriberId: subscriberIds[p.subscriber % subs.length]!,
					packageId: p.chosen === null ? null : packageIds[p.chosen]!,
					phone: '254700000000',
					amountKes: amountOf(p),
					checkoutRequestId,
					merchantRequestId: `m-${checkoutRequestId}`,
					...(p.failedBefore
						? { resultCode: 1037, resultDesc: 'No answer in 10 minutes', settledAt: new Date() }
						: {})
				};
			})
		);
		return subscriberIds;
	});
}

function checkoutOf(side: Side, index: number): string {
	return `${side.prefix}_${caseNo}_${index}`;
}

function amountOf(p: PushCase): number {
	return 'price' in p.amount ? PRICE[PACKAGES[p.amount.price]!]! : p.amount.any;
}

function stkBody(side: Side, push: PushCase, index: number): string {
	const checkoutRequestId = checkoutOf(side, index);
	const paid = push.outcome !== 'cancelled';
	const amount = amountOf(push) + (push.outcome === 'wrong-amount' ? 1 : 0);
	return JSON.stringify({
		Body: {
			stkCallback: {
				MerchantRequestID: `m-${checkoutRequestId}`,
				CheckoutRequestID: checkoutRequestId,
				ResultCode: paid ? 0 : 1032,
				ResultDesc: paid
					? 'The service request is processed successfully.'
					: 'Request cancelled by user',
				...(paid
					? {
							CallbackMetadata: {
								Item: [
									{ Name: 'Amount', Value: amount },
									// The same receipt on both sides: receipts are unique per tenant.
									{ Name: 'MpesaReceiptNumber', Value: `RCP${caseNo}X${index}` },
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

/** The batch path: every burst posted at once, as Safaricom does, so the handler batches them. */
async function deliverBatched(side: Side, pushes: PushCase[], bursts: number[][]): Promise<void> {
	for (const burst of bursts) {
		const answers = await Promise.all(
			burst.map((i) =>
				handleMpesaCallback({
					tenantId: side.tenantId,
					token: side.callbackToken,
					kind: 'stk',
					body: stkBody(side, pushes[i]!, i),
					contentType: 'application/json',
					remoteAddress: null
				})
			)
		);
		expect(answers.map((a) => a.status)).toEqual(burst.map(() => 200));
	}
}

/** The one-at-a-time path: each callback in its own transaction, applied by applyStk. */
async function deliverOneByOne(side: Side, pushes: PushCase[], bursts: number[][]): Promise<void> {
	for (const i of bursts.flat()) {
		const body: unknown = JSON.parse(stkBody(side, pushes[i]!, i));
		const applied = await withTenant(side.tenantId, (tx) =>
			applyStk(tx, side.settings, body, null)
		);
		expect(applied.answer.status).toBe(200);
	}
}

/** Everything the two paths must agree on, with ids replaced by names so the sides compare. */
async function endState(side: Side, subscriberIds: string[]) {
	return withTenant(side.tenantId, async (tx) => {
		const pkgs = await tx
			.select({ id: packages.id, name: packages.name })
			.from(packages)
			.where(eq(packages.tenantId, side.tenantId));
		const pkgName = (id: string | null) => (id ? pkgs.find((p) => p.id === id)!.name : null);
		const subs = await tx.select().from(subscribers).where(inArray(subscribers.id, subscriberIds));
		const account = (id: string | null) =>
			id ? subs.find((s) => s.id === id)!.accountNumber : null;
		const entries = await tx
			.select()
			.from(ledgerEntries)
			.where(inArray(ledgerEntries.subscriberId, subscriberIds))
			.orderBy(ledgerEntries.id);
		const pays = await tx
			.select()
			.from(payments)
			.where(inArray(payments.subscriberId, subscriberIds));
		const jobs = await tx
			.select()
			.from(provisioningJobs)
			.where(inArray(provisioningJobs.subscriberId, subscriberIds));
		return {
			subscribers: subs
				.map((s) => ({
					account: s.accountNumber,
					inForce: pkgName(s.packageId),
					planAside: pkgName(s.planPackageId),
					kind: s.kind,
					status: s.status,
					expiresAt: s.expiresAt?.toISOString() ?? null,
					// Each wallet's entries in the order they were made.
					ledger: entries
						.filter((e) => e.subscriberId === s.id)
						.map((e) => ({
							kind: e.kind,
							amount: e.amountKes,
							package: pkgName(e.packageId),
							reference: e.kind === 'purchase' ? pkgName(e.reference) : e.reference
						}))
				}))
				.sort((a, b) => a.account.localeCompare(b.account)),
			payments: pays
				.map((p) => ({
					push: p.checkoutRequestId?.slice(side.prefix.length) ?? null,
					subscriber: account(p.subscriberId),
					status: p.status,
					amount: p.amountKes,
					receipt: p.receipt,
					resultCode: p.resultCode,
					resultDesc: p.resultDesc,
					note: p.note,
					bought: pkgName(p.boughtPackageId),
					boughtPrice: p.boughtPriceKes,
					walletAfter: p.walletAfterKes
				}))
				.sort((a, b) => String(a.push).localeCompare(String(b.push))),
			jobs: jobs.map((j) => `${j.action} ${account(j.subscriberId)}`).sort()
		};
	});
}

describe('the STK batch and the one-at-a-time path (property)', () => {
	it('end with the same expiries, plans, ledger entries, payments and router jobs', async () => {
		const started = Date.now();
		await fc.assert(
			fc.asyncProperty(
				fc.array(subscriberCase, { minLength: 1, maxLength: 3 }),
				fc.array(pushCase, { minLength: 1, maxLength: 6 }),
				fc.array(deliveryCase, { minLength: 1, maxLength: 10 }),
				async (subs, pushes, deliveries) => {
					caseNo++;
					const bursts: number[][] = [[]];
					for (const d of deliveries) {
						bursts.at(-1)!.push(d.push % pushes.length);
						if (!d.together) bursts.push([]);
					}
					// The two tenants share nothing: on Postgres the sides run at once.
					const [batchedIds, singleIds] = await Promise.all([
						buildCase(batched, subs, pushes),
						buildCase(single, subs, pushes)
					]);
					await Promise.all([
						deliverBatched(batched, pushes, bursts),
						deliverOneByOne(single, pushes, bursts)
					]);
					const [batchedEnd, singleEnd] = await Promise.all([
						endState(batched, batchedIds),
						endState(single, singleIds)
					]);
					expect(batchedEnd).toEqual(singleEnd);
				}
			),
			{ numRuns: 200 }
		);
		console.log(
			`[stk-batch property] 200 cases in ${((Date.now() - started) / 1000).toFixed(1)} s`
		);
	}, 900_000);
});
