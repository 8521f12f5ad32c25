/**
 * What staff do from a subscriber's wallet: see it (with the M-Pesa prompt just sent), record cash,
 * reverse a credit, and send the subscriber an M-Pesa prompt. Managers may do all of it; an agent
 * only prompts, and only the subscribers they registered.
 */
import { MANAGERS } from '../auth/guards';
import { writeAudit, type AuditActor } from '../audit';
import { isSubscribersEntry, ledgerView } from '../billing/ledger-view';
import { WalletError, walletBalance } from '../billing/wallet';
import { withTenant, type Tx } from '../db';
import type { Payment } from '../db/schema';
import { getPackage } from '../network/packages';
import { getSubscriber } from '../network/subscribers';
import { listPayments, recordCashPayment, reverseLedgerCredit } from './manage';
import { paymentView } from './payment-view';
import { paymentStatus, startStkPush } from './stk';
import { paymentReason } from '$lib/components/payments/labels';
import { isUuid } from '$lib/uuid';

export const isManager = (role: string) => (MANAGERS as readonly string[]).includes(role);

/** Everything the wallet section shows. `promptId` is the `?payment=` of a prompt just sent. */
export async function walletView(
	tx: Tx,
	subscriber: { id: string; tenantId: string },
	viewer: { id: string; role: string },
	promptId: string | null
) {
	const { balance, entries } = await ledgerView(tx, subscriber.id, 20);
	let prompt = null;
	if (promptId && isUuid(promptId)) {
		const payment = await paymentStatus(tx, promptId);
		if (
			payment &&
			payment.subscriberId === subscriber.id &&
			(isManager(viewer.role) || payment.initiatedBy === viewer.id)
		) {
			prompt = {
				id: payment.id,
				status: payment.status,
				amountKes: payment.amountKes,
				phone: payment.phone,
				receipt: payment.receipt,
				reason: paymentReason(payment)
			};
		}
	}
	return {
		balance,
		entries,
		payments: (
			await listPayments(tx, subscriber.tenantId, { subscriberId: subscriber.id, limit: 10 })
		).map(paymentView),
		prompt
	};
}

/**
 * Cash at the counter: credited, and the package bought now if asked for and covered. Null when
 * the subscriber is not one of the scope's; otherwise what became of it.
 */
export async function recordSubscriberCash(
	tx: Tx,
	subscriberId: string,
	input: { amountKes: number; note: string; buyPackage: boolean },
	actor: AuditActor
): Promise<null | 'no-package' | 'amount' | { renewed: boolean }> {
	const subscriber = await getSubscriber(tx, subscriberId);
	if (!subscriber) return null;
	if (input.buyPackage && !subscriber.packageId) return 'no-package';
	try {
		return await recordCashPayment(
			tx,
			{
				tenantId: subscriber.tenantId,
				subscriberId: subscriber.id,
				amountKes: input.amountKes,
				note: input.note,
				buyPackageId: input.buyPackage ? '' : null
			},
			actor
		);
	} catch (e) {
		if (e instanceof WalletError && e.reason === 'package-unavailable') return 'no-package';
		if (e instanceof WalletError && e.reason === 'invalid-amount') return 'amount';
		throw e;
	}
}

export type CreditReversal =
	| { reversed: true }
	/** Not this subscriber's credit, or already reversed. */
	| { reversed: false; problem: 'gone' }
	/** The wallet no longer holds the amount (spent on a package): what is left. */
	| { reversed: false; problem: 'spent'; balance: number };

/** Takes one of the subscriber's credits back, with the reason; never below a zero balance. */
export async function reverseSubscriberCredit(
	tx: Tx,
	subscriberId: string,
	input: { entryId: number; note: string },
	actor: AuditActor
): Promise<CreditReversal | null> {
	const subscriber = await getSubscriber(tx, subscriberId);
	if (!subscriber) return null;
	if (!(await isSubscribersEntry(tx, subscriber.id, input.entryId)))
		return { reversed: false, problem: 'gone' };
	try {
		await reverseLedgerCredit(
			tx,
			{ tenantId: subscriber.tenantId, entryId: input.entryId, note: input.note },
			actor
		);
		return { reversed: true };
	} catch (e) {
		if (!(e instanceof WalletError)) throw e;
		if (e.reason === 'insufficient')
			return { reversed: false, problem: 'spent', balance: await walletBalance(tx, subscriber.id) };
		return { reversed: false, problem: 'gone' };
	}
}

/** The prompt could not be sent for a reason of ours, before Safaricom was asked. */
export class StaffPromptRefused extends Error {
	constructor(readonly problem: 'not-found' | 'package-kind') {
		super(problem === 'not-found' ? 'No such subscriber' : 'The package is for the other service');
	}
}

/**
 * Sends the subscriber an M-Pesa prompt for a package, audited as payment.prompt. Throws
 * StaffPromptRefused, or StkStartFailed when the push did not start.
 */
export async function startStaffPrompt(
	scopeTenantId: string,
	subscriberId: string,
	input: { packageId: string; phone?: string | null },
	staff: { id: string; role: string },
	actor: AuditActor,
	callbackBase: string
): Promise<Payment> {
	const found = await withTenant(scopeTenantId, async (tx) => {
		const row = await getSubscriber(tx, subscriberId);
		// An agent prompts only the subscribers they registered (the page shows them no others).
		if (!row || (!isManager(staff.role) && row.registeredBy !== staff.id)) return null;
		const pkg = await getPackage(tx, input.packageId);
		return { row, kindMatches: !pkg || pkg.kind === row.kind };
	});
	if (!found) throw new StaffPromptRefused('not-found');
	if (!found.kindMatches) throw new StaffPromptRefused('package-kind');
	const { row } = found;
	const payment = await startStkPush({
		tenantId: row.tenantId,
		subscriberId: row.id,
		packageId: input.packageId,
		phone: input.phone,
		channel: 'staff',
		initiatedBy: staff.id,
		callbackBase
	});
	await withTenant(scopeTenantId, (tx) =>
		writeAudit(tx, {
			tenantId: row.tenantId,
			actor,
			action: 'payment.prompt',
			target: `${row.accountNumber} ${row.name}`,
			detail: {
				paymentId: payment.id,
				amountKes: payment.amountKes,
				packageId: input.packageId,
				phone: payment.phone
			}
		})
	);
	return payment;
}
