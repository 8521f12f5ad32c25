/**
 * Issue 11, item 8: anyone can type anyone's phone or account number on /pay, and anyone who finds
 * a status address in a shared browser can open it. What they get back is checked as data (what
 * the load function and the JSON carry), not only as what the page happens to render.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { payments, subscribers } from '../db/schema';
import { creditWallet } from '../billing/wallet';
import { paymentTenant, type PaymentFixture } from '../testing/payments';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { findPayer } from './payer';
import { DETAILS_SHOWN_MS, readPublicPayment } from './payment-state';

let db: TestDatabase;
let isp: PaymentFixture;

beforeAll(async () => {
	db = await openTestDatabase();
	isp = await paymentTenant({ slug: 'lookup-isp', darajaUrl: 'http://127.0.0.1:1' });
});

afterAll(async () => {
	await db?.close();
});

const HOUR = 3_600_000;
let seq = 10;

describe('looking a subscriber up on /pay', () => {
	it('gives a stranger with the phone only the masked name, the status and the packages', async () => {
		const s = await isp.subscriber('254712500001', 'Achieng Otieno');
		const expiresAt = new Date(Date.now() + 5 * 24 * HOUR);
		await withTenant(isp.tenantId, async (tx) => {
			await tx
				.update(subscribers)
				.set({ status: 'active', expiresAt })
				.where(eq(subscribers.id, s.id));
			await creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 737 });
		});
		const found = await findPayer(isp.tenantId, { account: null, phone: '254712500001' });
		if (!found.ok) throw new Error('not found');
		expect(Object.keys(found.view).sort()).toEqual([
			'maskedName',
			'packages',
			'status',
			'suggestedPackageId'
		]);
		expect(found.view).toMatchObject({
			maskedName: 'Ac***g Ot***o',
			status: 'active',
			suggestedPackageId: isp.dailyId
		});
		const sent = JSON.stringify(found.view);
		expect(sent).not.toContain('737'); // the balance
		expect(sent).not.toContain(String(expiresAt.getUTCFullYear())); // the expiry
		expect(sent).not.toMatch(/hotspot|pppoe/); // the kind of service
		expect(sent).not.toContain(s.accountNumber); // the account number behind a phone
		expect(sent).not.toMatch(/001|712500/); // any of the phone's digits
	});

	it('reads "expired" for a lapsed, pending or suspended account, never why', async () => {
		for (const [status, expiresAt] of [
			['active', new Date(Date.now() - HOUR)],
			['pending', null],
			['suspended', new Date(Date.now() + HOUR)],
			['expired', new Date(Date.now() - HOUR)]
		] as const) {
			const s = await isp.subscriber(`2547125001${++seq}`);
			await withTenant(isp.tenantId, (tx) =>
				tx.update(subscribers).set({ status, expiresAt }).where(eq(subscribers.id, s.id))
			);
			const found = await findPayer(isp.tenantId, { account: s.accountNumber, phone: null });
			expect(found.ok && found.view.status, status).toBe('expired');
		}
	});
});

describe('a payment’s public status page', () => {
	async function paidPayment(settledAgoMs: number) {
		const s = await isp.subscriber('254712500099');
		const expiresAt = new Date(Date.now() + 24 * HOUR);
		const receipt = `SEC${settledAgoMs.toString(36).toUpperCase()}`.slice(0, 10);
		return withTenant(isp.tenantId, async (tx) => {
			await tx
				.update(subscribers)
				.set({ status: 'active', expiresAt })
				.where(eq(subscribers.id, s.id));
			const [payment] = await tx
				.insert(payments)
				.values({
					tenantId: isp.tenantId,
					source: 'stk',
					channel: 'pay',
					status: 'succeeded',
					subscriberId: s.id,
					packageId: isp.dailyId,
					phone: '254712500099',
					amountKes: 50,
					receipt,
					resultCode: 0,
					createdAt: new Date(Date.now() - settledAgoMs - 30_000),
					settledAt: new Date(Date.now() - settledAgoMs)
				})
				.returning();
			return { payment: payment!, receipt, expiresAt };
		});
	}

	it('shows the receipt and the new expiry just after paying, and no more than the phone’s last digits', async () => {
		const { payment, receipt, expiresAt } = await paidPayment(60_000);
		const found = await readPublicPayment(isp.tenantId, payment.id, 'pay');
		expect(found?.state).toMatchObject({
			status: 'succeeded',
			receipt,
			expiresAt: expiresAt.toISOString(),
			detailsHidden: false,
			phoneEnding: '099'
		});
		expect(JSON.stringify(found?.state)).not.toContain('712500');
	});

	it('hides the receipt and the expiry once the payment is over an hour old', async () => {
		const { payment, receipt } = await paidPayment(DETAILS_SHOWN_MS + 60_000);
		const found = await readPublicPayment(isp.tenantId, payment.id, 'pay');
		expect(found?.state).toMatchObject({
			status: 'succeeded',
			receipt: null,
			expiresAt: null,
			detailsHidden: true
		});
		expect(JSON.stringify(found?.state)).not.toContain(receipt);
	});
});
