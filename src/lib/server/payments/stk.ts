/**
 * Starting an STK push for a subscriber and a package, and following it to the end: the callback
 * settles it, or, if none comes, `reconcilePendingPayments` asks Daraja (STK query) from two minutes
 * on, backing off, and gives up after ten minutes.
 */
import { and, eq, lte, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { packages, payments, subscribers, type Payment, type PaymentChannel } from '../db/schema';
import {
	DarajaError,
	DarajaInputInvalid,
	DarajaRejected,
	DarajaUnavailable
} from '../mpesa/errors';
import { getMpesaSettings, tenantDarajaClient } from '../mpesa/settings';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { normalizeMsisdn } from '../../phone';
import { settleStk } from './apply-stk-result';
import { lockPayment, lockReference } from './settle';

export const FIRST_QUERY_AFTER_MS = 2 * 60_000;
export const GIVE_UP_AFTER_MS = 10 * 60_000;

/** Why a push could not start, in terms a page can turn into words. */
export type StkStartProblem =
	| 'not-configured'
	| 'package'
	| 'subscriber'
	| 'phone'
	| 'prompt-open'
	| 'merchant'
	| 'unavailable'
	| 'rejected';

export class StkStartFailed extends Error {
	constructor(
		readonly problem: StkStartProblem,
		message: string,
		readonly paymentId?: string
	) {
		super(message);
	}
}

export interface StkStartInput {
	tenantId: string;
	subscriberId: string;
	packageId: string;
	/** The phone that gets the prompt; defaults to the subscriber's. */
	phone?: string | null;
	channel: PaymentChannel;
	initiatedBy?: string | null;
	device?: Record<string, string> | null;
	/** Where Safaricom can reach us, e.g. https://isp.example.com (no trailing slash). */
	callbackBase: string;
}

export function stkCallbackUrl(
	base: string,
	tenantId: string,
	token: string,
	paymentId: string
): string {
	return `${base.replace(/\/+$/, '')}/hooks/daraja/${tenantId}/${token}/stk?payment=${paymentId}`;
}

export async function startStkPush(input: StkStartInput): Promise<Payment> {
	const prepared = await withTenant(input.tenantId, async (tx) => {
		const settings = await getMpesaSettings(tx, input.tenantId);
		if (!settings)
			throw new StkStartFailed('not-configured', 'M-Pesa is not set up for this network yet');
		const [subscriber] = await tx
			.select()
			.from(subscribers)
			.where(and(eq(subscribers.id, input.subscriberId), eq(subscribers.tenantId, input.tenantId)));
		if (!subscriber) throw new StkStartFailed('subscriber', 'No such subscriber');
		const [pkg] = await tx
			.select()
			.from(packages)
			.where(and(eq(packages.id, input.packageId), eq(packages.tenantId, input.tenantId)));
		if (
			!pkg ||
			(!pkg.active && pkg.id !== subscriber.packageId && pkg.id !== subscriber.planPackageId)
		)
			throw new StkStartFailed('package', 'That package is not for sale');
		const phone = normalizeMsisdn(input.phone ?? subscriber.phone);
		if (!phone) throw new StkStartFailed('phone', 'Not a Kenyan mobile number');
		const [payment] = await tx
			.insert(payments)
			.values({
				tenantId: input.tenantId,
				source: 'stk',
				channel: input.channel,
				status: 'pending',
				subscriberId: subscriber.id,
				packageId: pkg.id,
				phone,
				amountKes: pkg.priceKes,
				accountReference: subscriber.accountNumber,
				shortcode: settings.tillNumber ?? settings.shortcode,
				initiatedBy: input.initiatedBy ?? null,
				device: input.device ?? null,
				nextQueryAt: new Date(Date.now() + FIRST_QUERY_AFTER_MS)
			})
			.returning();
		return { settings, payment: payment! };
	});
	const { settings, payment } = prepared;
	try {
		const accepted = await tenantDarajaClient(settings).stkPush({
			phone: payment.phone,
			amount: payment.amountKes,
			accountReference: payment.accountReference!,
			description: 'Internet',
			callbackUrl: stkCallbackUrl(
				input.callbackBase,
				input.tenantId,
				settings.callbackToken,
				payment.id
			)
		});
		return await withTenant(input.tenantId, async (tx) => {
			await lockReference(tx, 'stk', accepted.checkoutRequestId);
			const [row] = await tx
				.update(payments)
				.set({
					checkoutRequestId: accepted.checkoutRequestId,
					merchantRequestId: accepted.merchantRequestId
				})
				// The callback may have bound it already (it names the payment in its URL).
				.where(and(eq(payments.id, payment.id), sql`${payments.checkoutRequestId} is null`))
				.returning();
			return row ?? (await lockPayment(tx, payment.id))!;
		});
	} catch (error) {
		const failure = describeStartFailure(error);
		await withTenant(input.tenantId, (tx) =>
			tx
				.update(payments)
				.set({
					status: 'failed',
					resultDesc: failure.message,
					settledAt: new Date(),
					nextQueryAt: null
				})
				.where(and(eq(payments.id, payment.id), eq(payments.status, 'pending')))
		);
		throw new StkStartFailed(failure.problem, failure.message, payment.id);
	}
}

function describeStartFailure(error: unknown): { problem: StkStartProblem; message: string } {
	if (error instanceof DarajaInputInvalid)
		return { problem: error.field === 'phone' ? 'phone' : 'rejected', message: error.message };
	if (error instanceof DarajaRejected) {
		if (error.isSubscriberLocked)
			return { problem: 'prompt-open', message: 'A payment prompt is already open on that phone' };
		if (error.isMerchantMisconfigured)
			return { problem: 'merchant', message: 'The M-Pesa settings of this network were refused' };
		return { problem: 'rejected', message: `M-Pesa refused the request (${error.errorCode})` };
	}
	if (error instanceof DarajaUnavailable)
		return { problem: 'unavailable', message: 'M-Pesa could not be reached' };
	if (error instanceof DarajaError)
		return { problem: 'merchant', message: 'The M-Pesa settings of this network were refused' };
	throw error;
}

/** Backoff between STK queries: 30 s, 60 s, 120 s, then every 2 minutes, with a little jitter. */
export function nextQueryDelayMs(attempts: number, random = Math.random): number {
	const base = Math.min(120_000, 30_000 * 2 ** Math.max(0, attempts));
	return Math.round(base * (0.9 + random() * 0.2));
}

export interface ReconcileSummary {
	queried: number;
	settled: number;
	gaveUp: number;
}

/**
 * Settles STK pushes whose callback has not come: asks Daraja for each due one (every tenant, its
 * own credentials), applies the answer as a callback would, and fails those left unanswered for
 * ten minutes. `now` is injectable so tests need not wait.
 */
export async function reconcilePendingPayments(
	now = new Date(),
	limit = 50
): Promise<ReconcileSummary> {
	const due = await withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx
			.select()
			.from(payments)
			.where(
				and(
					eq(payments.status, 'pending'),
					eq(payments.source, 'stk'),
					lte(payments.nextQueryAt, now)
				)
			)
			.orderBy(payments.nextQueryAt)
			.limit(limit)
	);
	const summary: ReconcileSummary = { queried: 0, settled: 0, gaveUp: 0 };
	for (const payment of due) {
		const outcome = await reconcileOne(payment, now);
		if (outcome === 'settled') summary.settled++;
		if (outcome === 'gave-up') summary.gaveUp++;
		if (outcome !== 'skipped') summary.queried++;
	}
	return summary;
}

async function reconcileOne(
	payment: Payment,
	now: Date
): Promise<'settled' | 'gave-up' | 'waiting' | 'skipped'> {
	const expired = now.getTime() - payment.createdAt.getTime() >= GIVE_UP_AFTER_MS;
	let answer: Awaited<ReturnType<ReturnType<typeof tenantDarajaClient>['stkQuery']>> | null = null;
	if (payment.checkoutRequestId) {
		const settings = await withTenant(payment.tenantId, (tx) =>
			getMpesaSettings(tx, payment.tenantId)
		);
		if (!settings) return 'skipped';
		try {
			answer = await tenantDarajaClient(settings).stkQuery(payment.checkoutRequestId);
		} catch {
			answer = null;
		}
	}
	return withTenant(payment.tenantId, async (tx) => {
		if (payment.checkoutRequestId) await lockReference(tx, 'stk', payment.checkoutRequestId);
		const current = await lockPayment(tx, payment.id);
		if (!current || current.status !== 'pending') return 'skipped';
		if (answer?.status === 'settled') {
			await settleStk(tx, current, {
				resultCode: answer.resultCode,
				resultDesc: answer.resultDesc
			});
			return 'settled';
		}
		if (expired) {
			await tx
				.update(payments)
				.set({
					status: 'failed',
					resultCode: 1037,
					resultDesc: 'No answer from the phone within 10 minutes',
					settledAt: now,
					nextQueryAt: null
				})
				.where(eq(payments.id, current.id));
			return 'gave-up';
		}
		await tx
			.update(payments)
			.set({
				queryAttempts: current.queryAttempts + 1,
				nextQueryAt: new Date(now.getTime() + nextQueryDelayMs(current.queryAttempts))
			})
			.where(eq(payments.id, current.id));
		return 'waiting';
	});
}

/** A payment as the page that started it may see it. */
export async function paymentStatus(tx: Tx, paymentId: string): Promise<Payment | undefined> {
	const [row] = await tx.select().from(payments).where(eq(payments.id, paymentId));
	return row;
}
