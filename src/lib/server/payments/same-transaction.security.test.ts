/**
 * Issue 11 item 5: one M-Pesa transaction is credited once, whichever way it is reported. A push
 * whose callback is lost is settled by the STK query (no receipt, no amount); the paybill
 * confirmation of the same transaction may come before or after, or at the same moment.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { SANDBOX } from '../../../../tools/sim/daraja/merchants';
import { withTenant } from '../db';
import { ledgerEntries, mpesaCallbacks, payments } from '../db/schema';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { listPayments } from './manage';
import { reconcilePendingPayments, startStkPush } from './stk';
import { settleStk } from './apply-stk-result';
import { lockPayment } from './settle';
import { samePayer } from './same-transaction';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../testing/payments';

let db: TestDatabase;
let daraja: DarajaSim;
let hooks: HookServer;
let a: PaymentFixture;
let phoneSeq = 254722200000;
let receiptSeq = 1000;
const nextPhone = () => String(++phoneSeq);
const nextReceipt = () => `TKS${String(++receiptSeq).padStart(7, '0')}`;

beforeAll(async () => {
	db = await openTestDatabase();
	daraja = await startDarajaSim({ callbackDelayMs: 30, duplicateGapMs: 5 });
	hooks = await startHookServer();
	a = await paymentTenant({ slug: 'same-tx', darajaUrl: daraja.url });
});

afterEach(() => {
	daraja.clearOutcomes();
	hooks.answers.length = 0;
});

afterAll(async () => {
	await hooks?.close();
	await daraja?.close();
	await db?.close();
});

/** A push whose callback never comes: Daraja has settled it, only the STK query can tell us. */
async function lostCallbackPush(subscriberId: string, phone: string) {
	daraja.setOutcome(phone, { deliver: 'never' });
	const started = await startStkPush({
		tenantId: a.tenantId,
		subscriberId,
		packageId: a.dailyId,
		channel: 'pay',
		callbackBase: hooks.url
	});
	await daraja.waitForSettled(started.checkoutRequestId!);
	return started;
}

const settleByQuery = () => reconcilePendingPayments(new Date(Date.now() + 3 * 60_000));

const paybill = (s: { accountNumber: string; phone: string }, transId: string, msisdn = s.phone) =>
	fetch(`${hooks.url}/hooks/daraja/${a.tenantId}/${a.callbackToken}/c2b/confirmation`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			TransactionType: 'Pay Bill',
			TransID: transId,
			TransTime: '20261203101010',
			TransAmount: '50.00',
			BusinessShortCode: SANDBOX.shortcode,
			BillRefNumber: s.accountNumber,
			InvoiceNumber: '',
			OrgAccountBalance: '',
			ThirdPartyTransID: '',
			MSISDN: msisdn,
			FirstName: 'Wanjiru',
			MiddleName: '',
			LastName: 'Kamau'
		})
	});

const paymentRow = (id: string) =>
	withTenant(
		a.tenantId,
		async (tx) => (await tx.select().from(payments).where(eq(payments.id, id)))[0]!
	);
const paymentsOf = (subscriberId: string) =>
	withTenant(a.tenantId, (tx) =>
		tx.select().from(payments).where(eq(payments.subscriberId, subscriberId))
	);
const creditsOf = (subscriberId: string) =>
	withTenant(a.tenantId, async (tx) =>
		(await tx.select().from(ledgerEntries).where(eq(ledgerEntries.subscriberId, subscriberId)))
			.filter((e) => e.kind === 'payment')
			.map((e) => e.amountKes)
	);
const balanceOf = (subscriberId: string) =>
	withTenant(a.tenantId, async (tx) =>
		(
			await tx.select().from(ledgerEntries).where(eq(ledgerEntries.subscriberId, subscriberId))
		).reduce((sum, e) => sum + e.amountKes, 0)
	);

describe('one M-Pesa transaction reported by the STK query and by the paybill confirmation', () => {
	it('credits once when the query settles the push first, and the push gets the receipt', async () => {
		const s = await a.subscriber(nextPhone());
		const started = await lostCallbackPush(s.id, s.phone);
		await settleByQuery();
		expect(await paymentRow(started.id)).toMatchObject({ status: 'succeeded', receipt: null });
		const receipt = nextReceipt();
		expect((await paybill(s, receipt)).status).toBe(200);
		expect(await creditsOf(s.id)).toEqual([50]);
		expect(await paymentRow(started.id)).toMatchObject({ status: 'succeeded', receipt });
		expect(await paymentsOf(s.id)).toHaveLength(1);
		// Safaricom repeats the confirmation: still once.
		expect((await paybill(s, receipt)).status).toBe(200);
		expect(await creditsOf(s.id)).toEqual([50]);
		expect(await balanceOf(s.id)).toBe(0);
		const kept = await withTenant(a.tenantId, (tx) =>
			tx.select().from(mpesaCallbacks).where(eq(mpesaCallbacks.reference, receipt))
		);
		expect(kept.map((c) => c.outcome)).toEqual(['duplicate', 'duplicate']);
	});

	it('credits once when the paybill confirmation comes first, and the push gets the receipt', async () => {
		const s = await a.subscriber(nextPhone());
		const started = await lostCallbackPush(s.id, s.phone);
		const receipt = nextReceipt();
		expect((await paybill(s, receipt)).status).toBe(200);
		expect(await creditsOf(s.id)).toEqual([50]);
		await settleByQuery();
		expect(await creditsOf(s.id)).toEqual([50]);
		expect(await paymentRow(started.id)).toMatchObject({
			status: 'succeeded',
			receipt,
			nextQueryAt: null
		});
		const confirmation = (await paymentsOf(s.id)).find((p) => p.source === 'c2b')!;
		expect(confirmation).toMatchObject({
			status: 'duplicate',
			duplicateOf: started.id,
			receipt: null
		});
		// Replays of either report change nothing.
		expect((await paybill(s, receipt)).status).toBe(200);
		await settleByQuery();
		expect(await creditsOf(s.id)).toEqual([50]);
		expect(await balanceOf(s.id)).toBe(0);
		// The manager's list shows the duplicate for what it is.
		const listed = await withTenant(a.tenantId, (tx) => listPayments(tx, a.tenantId, {}));
		expect(JSON.stringify(listed)).toContain(confirmation.id);
	});

	it('credits once when the paybill confirmation comes before the push’s own callback with the same receipt', async () => {
		const s = await a.subscriber(nextPhone());
		// The sim sends no callback: this test posts it itself, after the confirmation.
		const started = await lostCallbackPush(s.id, s.phone);
		const receipt = nextReceipt();
		expect((await paybill(s, receipt)).status).toBe(200);
		const callback = await fetch(`${hooks.url}/hooks/daraja/${a.tenantId}/${a.callbackToken}/stk`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: stkSuccessBody(
				started.merchantRequestId!,
				started.checkoutRequestId!,
				50,
				receipt,
				s.phone
			)
		});
		expect(callback.status).toBe(200);
		// The customer's page sees the push paid (the portal logs the device in on that).
		expect(await paymentRow(started.id)).toMatchObject({
			status: 'succeeded',
			receipt,
			nextQueryAt: null
		});
		expect((await paymentsOf(s.id)).find((p) => p.source === 'c2b')).toMatchObject({
			status: 'duplicate',
			duplicateOf: started.id
		});
		await settleByQuery();
		expect(await creditsOf(s.id)).toEqual([50]);
		expect(await balanceOf(s.id)).toBe(0);
	});

	it('credits once when both reports arrive at the same moment', async () => {
		const customers = await Promise.all(Array.from({ length: 4 }, () => a.subscriber(nextPhone())));
		const pushes = [];
		for (const s of customers) pushes.push(await lostCallbackPush(s.id, s.phone));
		await Promise.all([settleByQuery(), ...customers.map((s) => paybill(s, nextReceipt()))]);
		for (const [i, s] of customers.entries()) {
			expect(await creditsOf(s.id), s.phone).toEqual([50]);
			expect((await paymentRow(pushes[i]!.id)).receipt).toBeTruthy();
		}
	});

	it('credits once when the confirmation arrives while the query’s settlement is still being committed', async () => {
		// Two connections are needed for the reports to overlap: PGlite runs one transaction at a time.
		if (!db.ownerUrl) return expect(db.kind).toBe('pglite');
		const s = await a.subscriber(nextPhone());
		const started = await lostCallbackPush(s.id, s.phone);
		let confirmation: Promise<Response> | undefined;
		await withTenant(a.tenantId, async (tx) => {
			const current = (await lockPayment(tx, started.id))!;
			await settleStk(tx, current, {
				resultCode: 0,
				resultDesc: 'The service request is processed successfully.'
			});
			// The paybill confirmation arrives now, before this settlement commits.
			confirmation = paybill(s, nextReceipt());
			await new Promise((resolve) => setTimeout(resolve, 400));
		});
		expect((await confirmation!).status).toBe(200);
		expect(await creditsOf(s.id)).toEqual([50]);
		expect((await paymentRow(started.id)).receipt).toBeTruthy();
	});

	it('flags a paybill payment that could be either of two pushes paid through the query, and credits nothing more', async () => {
		const s = await a.subscriber(nextPhone());
		await lostCallbackPush(s.id, s.phone);
		await lostCallbackPush(s.id, s.phone);
		await settleByQuery();
		expect(await creditsOf(s.id)).toEqual([50, 50]);
		const receipt = nextReceipt();
		expect((await paybill(s, receipt)).status).toBe(200);
		expect(await creditsOf(s.id)).toEqual([50, 50]);
		const flagged = (await paymentsOf(s.id)).find((p) => p.receipt === receipt)!;
		expect(flagged).toMatchObject({ source: 'c2b', status: 'flagged' });
		expect(flagged.note).toMatch(/2 prompts/);
	});

	it('flags a push the query settles when two paybill payments could be it, and credits nothing more', async () => {
		const s = await a.subscriber(nextPhone());
		const started = await lostCallbackPush(s.id, s.phone);
		await paybill(s, nextReceipt());
		await paybill(s, nextReceipt());
		expect(await creditsOf(s.id)).toEqual([50, 50]);
		await settleByQuery();
		expect(await creditsOf(s.id)).toEqual([50, 50]);
		expect(await paymentRow(started.id)).toMatchObject({ status: 'flagged', nextQueryAt: null });
	});

	it('still credits a paybill payment from another phone', async () => {
		const s = await a.subscriber(nextPhone());
		await lostCallbackPush(s.id, s.phone);
		await settleByQuery();
		await paybill(s, nextReceipt(), nextPhone());
		expect(await creditsOf(s.id)).toEqual([50, 50]);
	});
});

describe('samePayer', () => {
	it('reads plain, masked and hashed MSISDNs', () => {
		expect(samePayer('254708374149', '254708374149')).toBe(true);
		expect(samePayer('254708374149', '2547******49')).toBe(true);
		expect(samePayer('254708374149', '2547******48')).toBe(false);
		expect(samePayer('254708374149', '************')).toBe(false);
		expect(
			samePayer('254708374149', createHash('sha256').update('254708374149').digest('hex'))
		).toBe(true);
		expect(
			samePayer('254708374149', createHash('sha256').update('254708374148').digest('hex'))
		).toBe(false);
	});
});

function stkSuccessBody(
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
						{ Name: 'TransactionDate', Value: 20261203101010 },
						{ Name: 'PhoneNumber', Value: Number(phone) }
					]
				}
			}
		}
	});
}
