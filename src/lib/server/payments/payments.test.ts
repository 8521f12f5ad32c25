import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { SANDBOX } from '../../../../tools/sim/daraja/merchants';
import { startRouterSim, type RouterSim } from '../../../../tools/sim/routeros';
import { withTenant } from '../db';
import {
	auditLog,
	ledgerEntries,
	mpesaCallbacks,
	payments,
	provisioningJobs,
	subscribers
} from '../db/schema';
import { walletBalance } from '../billing/wallet';
import { auditEntryFields } from '../audit';
import { closeAllRouterConnections } from '../network/routeros/client';
import { ProvisioningWorker } from '../network/worker';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { handleMpesaCallback } from './apply-callbacks';
import { assignUnmatched, listPayments, recordCashPayment, reverseLedgerCredit } from './manage';
import { registerC2bUrls } from './c2b';
import { GIVE_UP_AFTER_MS, StkStartFailed, reconcilePendingPayments, startStkPush } from './stk';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';

let db: TestDatabase;
let daraja: DarajaSim;
let router: RouterSim;
let hooks: HookServer;
let a: PaymentFixture;
let b: PaymentFixture;
let phoneSeq = 254711100000;
const nextPhone = () => String(++phoneSeq);

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 30, duplicateGapMs: 5 });
	router = await startRouterSim({ identity: 'Pay-HQ' });
	hooks = await startHookServer();
	a = await paymentTenant({
		slug: 'pay-a',
		darajaUrl: daraja.url,
		routerHost: router.host,
		routerPort: router.port
	});
	b = await paymentTenant({ slug: 'pay-b', darajaUrl: daraja.url });
	await registerC2bUrls(a.tenantId, hooks.url);
});

afterEach(() => {
	daraja.clearOutcomes();
	hooks.answers.length = 0;
});

afterAll(async () => {
	await hooks?.close();
	await daraja?.close();
	await closeAllRouterConnections();
	await router?.close();
	await db?.close();
});

const push = (fixture: PaymentFixture, subscriberId: string, packageId = fixture.dailyId) =>
	startStkPush({
		tenantId: fixture.tenantId,
		subscriberId,
		packageId,
		channel: 'pay',
		callbackBase: hooks.url
	});

const paymentRow = (fixture: PaymentFixture, id: string) =>
	withTenant(
		fixture.tenantId,
		async (tx) => (await tx.select().from(payments).where(eq(payments.id, id)))[0]!
	);

async function waitForStatus(
	fixture: PaymentFixture,
	id: string,
	done: (status: string) => boolean = (s) => s !== 'pending',
	timeoutMs = 5_000
) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const row = await paymentRow(fixture, id);
		if (done(row.status)) return row;
		if (Date.now() > until) throw new Error(`payment still ${row.status}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

const ledgerOf = (fixture: PaymentFixture, subscriberId: string) =>
	withTenant(fixture.tenantId, (tx) =>
		tx
			.select()
			.from(ledgerEntries)
			.where(eq(ledgerEntries.subscriberId, subscriberId))
			.orderBy(ledgerEntries.id)
	);

const tenantLedgerSum = (fixture: PaymentFixture) =>
	withTenant(
		fixture.tenantId,
		async (tx) =>
			(
				await tx
					.select({
						n: sql<number>`count(*)::int`,
						sum: sql<number>`coalesce(sum(amount_kes), 0)::int`
					})
					.from(ledgerEntries)
			)[0]!
	);

/** Posts a body to our callback URL the way Safaricom would. */
const postHook = (
	fixture: PaymentFixture,
	kind: 'stk' | 'c2b/validation' | 'c2b/confirmation',
	body: string,
	contentType = 'application/json',
	token = fixture.callbackToken
) =>
	fetch(`${hooks.url}/hooks/daraja/${fixture.tenantId}/${token}/${kind}`, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body
	});

describe('an STK push paid on the phone', () => {
	it('credits the wallet, buys the package, renews, and the router user is enabled', async () => {
		const s = await a.subscriber(nextPhone(), 'Achieng Otieno');
		const started = await push(a, s.id);
		expect(started).toMatchObject({
			status: 'pending',
			amountKes: 50,
			accountReference: s.accountNumber
		});
		expect(started.checkoutRequestId).toBeTruthy();
		const paid = await waitForStatus(a, started.id);
		expect(paid).toMatchObject({ status: 'succeeded', resultCode: 0 });
		expect(paid.receipt).toMatch(/^[A-Z0-9]{10}$/);

		const entries = await ledgerOf(a, s.id);
		expect(entries.map((e) => [e.kind, e.amountKes])).toEqual([
			['payment', 50],
			['purchase', -50]
		]);
		expect(entries[0]!.reference).toBe(paid.receipt);
		const subscriber = await withTenant(
			a.tenantId,
			async (tx) => (await tx.select().from(subscribers).where(eq(subscribers.id, s.id)))[0]!
		);
		expect(subscriber.status).toBe('active');
		expect(subscriber.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);

		const worker = new ProvisioningWorker({ log: () => {} });
		for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
		const user = router.router.rows('/ip/hotspot/user').find((u) => u.name === s.routerUsername);
		expect(user).toMatchObject({ disabled: 'false' });
	});

	it.each([
		[1032, 'cancelled'],
		[1037, 'phone unreachable'],
		[1, 'insufficient funds'],
		[2001, 'wrong PIN']
	])('records result %i (%s) as failed and moves no money', async (code) => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { resultCode: code });
		const started = await push(a, s.id);
		const row = await waitForStatus(a, started.id);
		expect(row).toMatchObject({ status: 'failed', resultCode: code, receipt: null });
		expect(await ledgerOf(a, s.id)).toEqual([]);
	});

	it('acknowledges the same callback three times and credits it once', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 3 });
		const started = await push(a, s.id);
		await daraja.waitForDeliveries(3, { ref: started.checkoutRequestId! });
		const row = await waitForStatus(a, started.id);
		expect(row.status).toBe('succeeded');
		const outcomes = await withTenant(a.tenantId, (tx) =>
			tx
				.select({ outcome: mpesaCallbacks.outcome })
				.from(mpesaCallbacks)
				.where(eq(mpesaCallbacks.reference, started.checkoutRequestId!))
				.orderBy(mpesaCallbacks.id)
		);
		expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'duplicate', 'duplicate']);
		expect((await ledgerOf(a, s.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
		expect(
			daraja.deliveries
				.filter((d) => d.ref === started.checkoutRequestId)
				.every((d) => d.status === 200)
		).toBe(true);
	});

	it('applies callbacks delivered out of order to the right payments', async () => {
		const one = await a.subscriber(nextPhone());
		const two = await a.subscriber(nextPhone());
		daraja.setOutcome(one.phone, { deliver: 'hold' });
		daraja.setOutcome(two.phone, { deliver: 'hold', resultCode: 1032 });
		const first = await push(a, one.id);
		const second = await push(a, two.id);
		await waitUntil(
			() =>
				daraja.heldCallbacks.includes(first.checkoutRequestId!) &&
				daraja.heldCallbacks.includes(second.checkoutRequestId!)
		);
		await daraja.releaseHeld([second.checkoutRequestId!, first.checkoutRequestId!]);
		expect((await waitForStatus(a, first.id)).status).toBe('succeeded');
		expect((await waitForStatus(a, second.id)).status).toBe('failed');
		expect(await withTenant(a.tenantId, (tx) => walletBalance(tx, one.id))).toBe(0);
		expect((await ledgerOf(a, two.id)).length).toBe(0);
	});

	it('settles a push whose callback never comes by asking Daraja, after two minutes', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'never' });
		const started = await push(a, s.id);
		await daraja.waitForSettled(started.checkoutRequestId!);
		// Not yet due: nothing is asked before two minutes.
		expect((await reconcilePendingPayments(new Date())).queried).toBe(0);
		const summary = await reconcilePendingPayments(new Date(Date.now() + 2 * 60_000 + 1_000));
		expect(summary.settled).toBeGreaterThanOrEqual(1);
		const row = await paymentRow(a, started.id);
		expect(row.status).toBe('succeeded');
		expect((await ledgerOf(a, s.id)).map((e) => e.kind)).toEqual(['payment', 'purchase']);
	});

	it('settles a push whose receipt the paybill confirmation already credited without crediting it again, and the STK query cannot either', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'never' });
		const started = await push(a, s.id);
		await daraja.waitForSettled(started.checkoutRequestId!);
		const confirmed = await postHook(
			a,
			'c2b/confirmation',
			JSON.stringify(
				c2bBody({ TransID: 'TKD0000001', BillRefNumber: s.accountNumber, MSISDN: s.phone })
			)
		);
		expect(confirmed.status).toBe(200);
		const late = await postHook(
			a,
			'stk',
			stkSuccessBody(
				started.merchantRequestId!,
				started.checkoutRequestId!,
				50,
				'TKD0000001',
				s.phone
			)
		);
		expect(late.status).toBe(200);
		expect(await paymentRow(a, started.id)).toMatchObject({
			status: 'succeeded',
			receipt: 'TKD0000001',
			nextQueryAt: null
		});
		await reconcilePendingPayments(new Date(Date.now() + 3 * 60_000));
		expect((await paymentRow(a, started.id)).status).toBe('succeeded');
		expect(
			(await ledgerOf(a, s.id)).filter((e) => e.kind === 'payment').map((e) => e.amountKes)
		).toEqual([50]);
	});

	it('keeps asking while the customer has not answered, backing off, and gives up after ten minutes', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { delayMs: 60_000 });
		const started = await push(a, s.id);
		const t0 = started.createdAt.getTime();
		await reconcilePendingPayments(new Date(t0 + 2 * 60_000 + 1_000));
		const waiting = await paymentRow(a, started.id);
		expect(waiting).toMatchObject({ status: 'pending', queryAttempts: 1 });
		expect(waiting.nextQueryAt!.getTime()).toBeGreaterThan(t0 + 2 * 60_000 + 20_000);
		await reconcilePendingPayments(new Date(t0 + GIVE_UP_AFTER_MS + 1_000));
		expect(await paymentRow(a, started.id)).toMatchObject({ status: 'failed', resultCode: 1037 });
		expect(await ledgerOf(a, s.id)).toEqual([]);
	});

	it('credits a late success after the push was given up, once', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'hold' });
		const started = await push(a, s.id);
		await waitUntil(() => daraja.heldCallbacks.includes(started.checkoutRequestId!));
		// Ten minutes on, Daraja's own query says "still processing" for a held push? Make it give up without asking.
		await withTenant(a.tenantId, (tx) =>
			tx.update(payments).set({ checkoutRequestId: null }).where(eq(payments.id, started.id))
		);
		await reconcilePendingPayments(new Date(Date.now() + GIVE_UP_AFTER_MS + 5_000));
		expect((await paymentRow(a, started.id)).status).toBe('failed');
		await withTenant(a.tenantId, (tx) =>
			tx
				.update(payments)
				.set({ checkoutRequestId: started.checkoutRequestId })
				.where(eq(payments.id, started.id))
		);
		await daraja.releaseHeld([started.checkoutRequestId!]);
		const row = await waitForStatus(a, started.id, (st) => st === 'succeeded');
		expect(row.receipt).toBeTruthy();
		expect((await ledgerOf(a, s.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
	});

	it('credits exactly once when the same callback arrives many times at the same moment', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'hold' });
		const started = await push(a, s.id);
		await waitUntil(() => daraja.heldCallbacks.includes(started.checkoutRequestId!));
		const body = JSON.stringify({
			Body: {
				stkCallback: {
					MerchantRequestID: started.merchantRequestId,
					CheckoutRequestID: started.checkoutRequestId,
					ResultCode: 0,
					ResultDesc: 'The service request is processed successfully.',
					CallbackMetadata: {
						Item: [
							{ Name: 'Amount', Value: 50 },
							{ Name: 'MpesaReceiptNumber', Value: 'TKC0000001' },
							{ Name: 'TransactionDate', Value: 20261125101010 },
							{ Name: 'PhoneNumber', Value: Number(s.phone) }
						]
					}
				}
			}
		});
		const answers = await Promise.all(Array.from({ length: 8 }, () => postHook(a, 'stk', body)));
		expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
		const entries = await ledgerOf(a, s.id);
		expect(entries.filter((e) => e.kind === 'payment')).toHaveLength(1);
		expect((await paymentRow(a, started.id)).receipt).toBe('TKC0000001');
	});

	it('credits a receipt once when a second push arrives carrying it, among others applied together', async () => {
		const pushes: {
			s: Awaited<ReturnType<PaymentFixture['subscriber']>>;
			started: Awaited<ReturnType<typeof push>>;
		}[] = [];
		for (let i = 0; i < 4; i++) {
			const s = await a.subscriber(nextPhone());
			daraja.setOutcome(s.phone, { deliver: 'hold' });
			const started = await push(a, s.id);
			await waitUntil(() => daraja.heldCallbacks.includes(started.checkoutRequestId!));
			pushes.push({ s, started });
		}
		const [first, reused, ...others] = pushes;
		const body = (p: (typeof pushes)[number], receipt: string) =>
			stkSuccessBody(
				p.started.merchantRequestId!,
				p.started.checkoutRequestId!,
				50,
				receipt,
				p.s.phone
			);
		expect((await postHook(a, 'stk', body(first!, 'TKR0000001'))).status).toBe(200);
		// Sent together, so they are applied in one batch: the batch trips the receipt's unique key,
		// rolls back, and each callback is applied again on its own.
		const answers = await Promise.all(
			[body(reused!, 'TKR0000001'), ...others.map((p, i) => body(p, `TKR000001${i}`))].map((b) =>
				postHook(a, 'stk', b)
			)
		);
		expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
		expect((await ledgerOf(a, first!.s.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
		expect((await ledgerOf(a, reused!.s.id)).filter((e) => e.kind === 'payment')).toEqual([]);
		// Closed for the manager to look at, not left pending for the STK query to settle again.
		expect(await paymentRow(a, reused!.started.id)).toMatchObject({
			status: 'flagged',
			nextQueryAt: null
		});
		for (const p of others)
			expect((await ledgerOf(a, p.s.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
		const [stored] = await withTenant(a.tenantId, (tx) =>
			tx
				.select()
				.from(mpesaCallbacks)
				.where(
					and(
						eq(mpesaCallbacks.reference, reused!.started.checkoutRequestId!),
						eq(mpesaCallbacks.outcome, 'duplicate')
					)
				)
		);
		expect(stored?.note).toBe('Receipt TKR0000001 is already recorded on another payment');
	});

	it('flags a paid amount that differs from the push and credits nothing', async () => {
		const s = await a.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'hold' });
		const started = await push(a, s.id);
		await waitUntil(() => daraja.heldCallbacks.includes(started.checkoutRequestId!));
		const res = await postHook(
			a,
			'stk',
			stkSuccessBody(
				started.merchantRequestId!,
				started.checkoutRequestId!,
				5,
				'TKC0000002',
				s.phone
			)
		);
		expect(res.status).toBe(200);
		expect(await paymentRow(a, started.id)).toMatchObject({
			status: 'flagged',
			note: 'Paid KES 5, expected KES 50'
		});
		expect(await ledgerOf(a, s.id)).toEqual([]);
	});

	it('refuses to start a push for a phone in the wrong shape, or without M-Pesa set up', async () => {
		const s = await a.subscriber(nextPhone());
		for (const phone of ['0712', '+1 202 555 0100', '07123456789', 'abc', '254812345678']) {
			await expect(
				startStkPush({
					tenantId: a.tenantId,
					subscriberId: s.id,
					packageId: a.dailyId,
					phone,
					channel: 'staff',
					callbackBase: hooks.url
				})
			).rejects.toMatchObject({ problem: 'phone' });
		}
		const other = await paymentTenant({ slug: 'pay-none', darajaUrl: daraja.url });
		await withTenant(other.tenantId, (tx) => tx.execute(sql`delete from mpesa_settings`));
		const t = await other.subscriber(nextPhone());
		await expect(
			startStkPush({
				tenantId: other.tenantId,
				subscriberId: t.id,
				packageId: other.dailyId,
				channel: 'pay',
				callbackBase: hooks.url
			})
		).rejects.toBeInstanceOf(StkStartFailed);
	});
});

describe('tenant isolation of callbacks', () => {
	it("credits nothing when tenant A's URL carries tenant B's CheckoutRequestID", async () => {
		const s = await b.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'hold' });
		const started = await push(b, s.id);
		await waitUntil(() => daraja.heldCallbacks.includes(started.checkoutRequestId!));
		const before = { a: await tenantLedgerSum(a), b: await tenantLedgerSum(b) };
		const res = await postHook(
			a,
			'stk',
			stkSuccessBody(
				started.merchantRequestId!,
				started.checkoutRequestId!,
				50,
				'TKX0000001',
				s.phone
			)
		);
		expect(res.status).toBe(200);
		expect(await tenantLedgerSum(a)).toEqual(before.a);
		expect(await tenantLedgerSum(b)).toEqual(before.b);
		expect((await paymentRow(b, started.id)).status).toBe('pending');
		const flagged = await withTenant(a.tenantId, (tx) =>
			tx.select().from(payments).where(eq(payments.receipt, 'TKX0000001'))
		);
		expect(flagged).toMatchObject([{ status: 'flagged' }]);
		// B's token on A's URL is refused outright.
		expect((await postHook(a, 'stk', '{}', 'application/json', b.callbackToken)).status).toBe(404);
		await daraja.releaseHeld([started.checkoutRequestId!]);
		expect((await waitForStatus(b, started.id)).status).toBe('succeeded');
	});

	it("credits nothing when a reseller's URL carries its sub-tenant's CheckoutRequestID or payment id", async () => {
		const child = await paymentTenant({
			slug: 'pay-a-child',
			darajaUrl: daraja.url,
			parentId: a.tenantId
		});
		const s = await child.subscriber(nextPhone());
		daraja.setOutcome(s.phone, { deliver: 'hold' });
		const started = await push(child, s.id);
		await waitUntil(() => daraja.heldCallbacks.includes(started.checkoutRequestId!));
		const before = await tenantLedgerSum(child);
		const bodyFor = (checkout: string, receipt: string) =>
			stkSuccessBody(started.merchantRequestId!, checkout, 50, receipt, s.phone);
		expect(
			(await postHook(a, 'stk', bodyFor(started.checkoutRequestId!, 'TKX0000002'))).status
		).toBe(200);
		// A push whose own answer has not come back yet, named in the URL as a result that beats it would.
		const [unbound] = await withTenant(child.tenantId, (tx) =>
			tx
				.insert(payments)
				.values({
					tenantId: child.tenantId,
					source: 'stk',
					channel: 'pay',
					status: 'pending',
					subscriberId: s.id,
					packageId: child.dailyId,
					phone: s.phone,
					amountKes: 50,
					accountReference: s.accountNumber
				})
				.returning()
		);
		const hinted = await fetch(
			`${hooks.url}/hooks/daraja/${a.tenantId}/${a.callbackToken}/stk?payment=${unbound!.id}`,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: bodyFor('ws_CO_not_bound_yet', 'TKX0000003')
			}
		);
		expect(hinted.status).toBe(200);
		expect(await tenantLedgerSum(child)).toEqual(before);
		expect((await paymentRow(child, started.id)).status).toBe('pending');
		expect(await paymentRow(child, unbound!.id)).toMatchObject({
			status: 'pending',
			checkoutRequestId: null
		});
		await daraja.releaseHeld([started.checkoutRequestId!]);
		expect((await waitForStatus(child, started.id)).status).toBe('succeeded');
	});

	it("credits nothing for a paybill payment to tenant B's shortcode sent to tenant A", async () => {
		const s = await a.subscriber(nextPhone());
		const before = await tenantLedgerSum(a);
		const res = await postHook(
			a,
			'c2b/confirmation',
			JSON.stringify(
				c2bBody({
					TransID: 'TKS0000001',
					BusinessShortCode: '600999',
					BillRefNumber: s.accountNumber,
					MSISDN: s.phone
				})
			)
		);
		expect(res.status).toBe(200);
		expect(await tenantLedgerSum(a)).toEqual(before);
		const [row] = await withTenant(a.tenantId, (tx) =>
			tx.select().from(payments).where(eq(payments.receipt, 'TKS0000001'))
		);
		expect(row).toMatchObject({ status: 'flagged', subscriberId: null });
	});
});

describe('paybill (C2B) payments', () => {
	it('matches the account number typed with spaces, dashes and any case, and credits once per TransID', async () => {
		const s = await a.subscriber(nextPhone());
		const typed = `${s.accountNumber.slice(0, 3)}- ${s.accountNumber.slice(3)}`;
		const result = await daraja.payBill({
			ShortCode: SANDBOX.shortcode,
			Amount: 50,
			Msisdn: '254799999999',
			BillRefNumber: typed
		});
		expect(result.outcome).toBe('completed');
		await waitUntil(async () => (await ledgerOf(a, s.id)).length === 2);
		const [p] = await withTenant(a.tenantId, (tx) =>
			tx.select().from(payments).where(eq(payments.receipt, result.transId))
		);
		expect(p).toMatchObject({ status: 'succeeded', subscriberId: s.id, source: 'c2b' });
		// Safaricom sends the confirmation again: nothing changes.
		const again = await postHook(
			a,
			'c2b/confirmation',
			JSON.stringify(
				c2bBody({ TransID: result.transId, BillRefNumber: typed, TransAmount: '50.00' })
			)
		);
		expect(await again.json()).toEqual({ ResultCode: 0, ResultDesc: 'Success' });
		expect((await ledgerOf(a, s.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
	});

	it('falls back to the phone when exactly one subscriber has it', async () => {
		const s = await a.subscriber(nextPhone());
		const result = await daraja.payBill({
			ShortCode: SANDBOX.shortcode,
			Amount: 20,
			Msisdn: s.phone,
			BillRefNumber: 'my wifi'
		});
		await waitUntil(async () => (await ledgerOf(a, s.id)).length === 1);
		expect(await withTenant(a.tenantId, (tx) => walletBalance(tx, s.id))).toBe(20);
		expect(result.outcome).toBe('completed');
	});

	it('keeps a payment nobody matches as unmatched until a manager assigns it (audited)', async () => {
		const shared = nextPhone();
		const one = await a.subscriber(shared, 'Twin One');
		await a.subscriber(shared, 'Twin Two');
		const result = await daraja.payBill({
			ShortCode: SANDBOX.shortcode,
			Amount: 60,
			Msisdn: shared,
			BillRefNumber: 'X-99'
		});
		const unmatched = await waitUntil(async () => {
			const rows = await withTenant(a.tenantId, (tx) =>
				listPayments(tx, a.tenantId, { status: 'unmatched' })
			);
			return rows.find((r) => r.receipt === result.transId);
		});
		expect(unmatched).toMatchObject({
			amountKes: 60,
			accountReference: 'X-99',
			subscriberId: null
		});
		await withTenant(a.tenantId, (tx) =>
			assignUnmatched(tx, unmatched!.id, one.id, {
				userId: undefined as unknown as string,
				name: 'Manager Mary'
			})
		);
		// 60 covers the 50 daily package: credited, bought, 10 left.
		expect(await withTenant(a.tenantId, (tx) => walletBalance(tx, one.id))).toBe(10);
		const audit = await withTenant(a.tenantId, (tx) =>
			tx
				.select(auditEntryFields)
				.from(auditLog)
				.where(and(eq(auditLog.action, 'payment.assign'), eq(auditLog.target, unmatched!.id)))
		);
		// The activity feed names the subscriber the payment went to, not the payment's id.
		expect(audit).toMatchObject([{ actorName: 'Manager Mary', targetName: 'Twin One' }]);
		await expect(
			withTenant(a.tenantId, (tx) =>
				assignUnmatched(tx, unmatched!.id, one.id, {
					userId: undefined as unknown as string,
					name: 'Manager Mary'
				})
			)
		).rejects.toThrow(/not waiting/);
	});

	it('rejects an unknown account with C2B00012 in strict mode, and accepts it otherwise', async () => {
		const strict = await paymentTenant({ slug: 'pay-strict', darajaUrl: daraja.url, strict: true });
		const s = await strict.subscriber(nextPhone());
		const validate = (fixture: PaymentFixture, ref: string) =>
			postHook(
				fixture,
				'c2b/validation',
				JSON.stringify(
					c2bBody({
						TransID: `TKV${Math.random().toString(36).slice(2, 9).toUpperCase()}`,
						BillRefNumber: ref
					})
				)
			);
		expect(await (await validate(strict, 'NOPE')).json()).toMatchObject({ ResultCode: 'C2B00012' });
		expect(await (await validate(strict, s.accountNumber)).json()).toMatchObject({
			ResultCode: '0'
		});
		expect(await (await validate(a, 'NOPE')).json()).toMatchObject({ ResultCode: '0' });
	});
});

describe('bad input to the callback URLs', () => {
	it('keeps malformed JSON for inspection and answers 400', async () => {
		const res = await postHook(a, 'stk', '{"Body": {"stkCallback": ');
		expect(res.status).toBe(400);
		const [kept] = await withTenant(a.tenantId, (tx) =>
			tx
				.select()
				.from(mpesaCallbacks)
				.where(eq(mpesaCallbacks.outcome, 'malformed'))
				.orderBy(sql`id desc`)
				.limit(1)
		);
		expect(kept!.body).toBe('{"Body": {"stkCallback": ');
	});

	it.each([
		['0', 'zero'],
		['-50.00', 'negative'],
		['10.50', 'fractional'],
		['99999999999999999999', 'huge'],
		['99999999999', 'beyond any M-Pesa payment'],
		['ten', 'words']
	])('refuses a paybill amount of %s (%s) and leaves the ledger alone', async (amount) => {
		const before = await tenantLedgerSum(a);
		const res = await postHook(
			a,
			'c2b/confirmation',
			JSON.stringify(
				c2bBody({ TransID: `TKA${amount.length}${Date.now() % 100000}`, TransAmount: amount })
			)
		);
		expect(res.status).toBe(400);
		expect(await tenantLedgerSum(a)).toEqual(before);
	});

	it('refuses a wrong content type, a body of 1 MB and a missing field, and changes nothing', async () => {
		const before = await tenantLedgerSum(a);
		expect((await postHook(a, 'stk', 'Body=x', 'application/x-www-form-urlencoded')).status).toBe(
			400
		);
		expect(
			(await postHook(a, 'stk', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }))).status
		).toBe(400);
		const missing = await postHook(
			a,
			'stk',
			JSON.stringify({ Body: { stkCallback: { CheckoutRequestID: 'ws_CO_1' } } })
		);
		expect(missing.status).toBe(400);
		expect(await missing.json()).toMatchObject({
			errors: { 'Body.stkCallback.MerchantRequestID': expect.any(Array) }
		});
		expect(await tenantLedgerSum(a)).toEqual(before);
	});

	it('answers 404 to an unknown tenant or token without storing anything', async () => {
		const count = async () =>
			(
				await withTenant(a.tenantId, (tx) =>
					tx.select({ n: sql<number>`count(*)::int` }).from(mpesaCallbacks)
				)
			)[0]!.n;
		const before = await count();
		expect(
			(
				await handleMpesaCallback({
					tenantId: a.tenantId,
					token: 'wrong',
					kind: 'stk',
					body: '{}',
					contentType: 'application/json',
					remoteAddress: null
				})
			).status
		).toBe(404);
		expect(
			(
				await handleMpesaCallback({
					tenantId: 'not-a-uuid',
					token: a.callbackToken,
					kind: 'stk',
					body: '{}',
					contentType: 'application/json',
					remoteAddress: null
				})
			).status
		).toBe(404);
		expect(await count()).toBe(before);
	});
});

describe('the callback IP allowlist', () => {
	it('refuses a callback from an address outside the allowlist and stores nothing', async () => {
		const fenced = await paymentTenant({ slug: 'pay-fenced', darajaUrl: daraja.url });
		await withTenant(fenced.tenantId, (tx) =>
			tx.execute(sql`update mpesa_settings set callback_ip_allowlist = array['196.201.214.0/24']`)
		);
		const request = {
			tenantId: fenced.tenantId,
			token: fenced.callbackToken,
			kind: 'stk' as const,
			body: '{}',
			contentType: 'application/json'
		};
		expect((await handleMpesaCallback({ ...request, remoteAddress: '127.0.0.1' })).status).toBe(
			403
		);
		expect((await handleMpesaCallback({ ...request, remoteAddress: '196.201.214.9' })).status).toBe(
			400
		);
		const kept = await withTenant(fenced.tenantId, (tx) => tx.select().from(mpesaCallbacks));
		expect(kept.map((k) => k.remoteAddress)).toEqual(['196.201.214.9']);
	});
});

describe('cash and reversals', () => {
	it('records cash (audited), buys the package, and a reversal takes it back', async () => {
		const s = await a.subscriber(nextPhone(), 'Cash Customer');
		const actor = { userId: undefined as unknown as string, name: 'Cashier' };
		const { entryId, renewed } = await withTenant(a.tenantId, (tx) =>
			recordCashPayment(
				tx,
				{
					tenantId: a.tenantId,
					subscriberId: s.id,
					amountKes: 120,
					note: 'paid at shop',
					buyPackageId: a.dailyId
				},
				actor
			)
		);
		expect(renewed).toBe(true);
		expect(await withTenant(a.tenantId, (tx) => walletBalance(tx, s.id))).toBe(70);
		await expect(
			withTenant(a.tenantId, (tx) =>
				reverseLedgerCredit(tx, { tenantId: a.tenantId, entryId, note: 'typo' }, actor)
			)
		).rejects.toThrow(/Only KES 70/);
		const second = await withTenant(a.tenantId, (tx) =>
			recordCashPayment(
				tx,
				{
					tenantId: a.tenantId,
					subscriberId: s.id,
					amountKes: 30,
					note: 'typo',
					buyPackageId: null
				},
				actor
			)
		);
		await withTenant(a.tenantId, (tx) =>
			reverseLedgerCredit(
				tx,
				{ tenantId: a.tenantId, entryId: second.entryId, note: 'typo' },
				actor
			)
		);
		expect(await withTenant(a.tenantId, (tx) => walletBalance(tx, s.id))).toBe(70);
		const actions = await withTenant(a.tenantId, (tx) =>
			tx.select(auditEntryFields).from(auditLog).where(eq(auditLog.target, s.id))
		);
		expect(actions.map((x) => x.action).sort()).toEqual([
			'payment.cash',
			'payment.cash',
			'payment.reverse'
		]);
		expect(actions.map((x) => x.targetName)).toEqual([
			'Cash Customer',
			'Cash Customer',
			'Cash Customer'
		]);
	});
});

describe('the provisioning outbox', () => {
	it('queues the router job in the same transaction as the credit', async () => {
		const s = await a.subscriber(nextPhone());
		const started = await push(a, s.id);
		await waitForStatus(a, started.id);
		const jobs = await withTenant(a.tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.subscriberId, s.id))
		);
		// One from registration, one from the renewal.
		expect(jobs.length).toBe(2);
	});
});

export function stkSuccessBody(
	merchantRequestId: string,
	checkoutRequestId: string,
	amount: number,
	receipt: string,
	phone: string
): string {
	return JSON.stringify({
		Body: {
			stkCallback: {
				MerchantRequestID: merchantRequestId,
				CheckoutRequestID: checkoutRequestId,
				ResultCode: 0,
				ResultDesc: 'The service request is processed successfully.',
				CallbackMetadata: {
					Item: [
						{ Name: 'Amount', Value: amount },
						{ Name: 'MpesaReceiptNumber', Value: receipt },
						{ Name: 'TransactionDate', Value: 20261125101010 },
						{ Name: 'PhoneNumber', Value: Number(phone) }
					]
				}
			}
		}
	});
}

function c2bBody(fields: Record<string, string>) {
	return {
		TransactionType: 'Pay Bill',
		TransID: 'TK00000000',
		TransTime: '20261125101010',
		TransAmount: '50.00',
		BusinessShortCode: SANDBOX.shortcode,
		BillRefNumber: '',
		InvoiceNumber: '',
		OrgAccountBalance: '',
		ThirdPartyTransID: '',
		MSISDN: '254700000000',
		FirstName: 'Jane',
		MiddleName: '',
		LastName: 'Doe',
		...fields
	};
}

async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > until) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 20));
	}
}
