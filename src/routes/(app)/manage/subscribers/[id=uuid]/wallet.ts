/**
 * The subscriber page's wallet: what it shows (balance, ledger, payments, the prompt just sent)
 * and its three forms: cash and reversals for managers, M-Pesa prompts for all staff.
 */
import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { MANAGERS, STAFF, requireRole } from '$lib/server/auth/guards';
import { writeAudit, type AuditActor } from '$lib/server/audit';
import { WalletError, walletBalance, walletEntries } from '$lib/server/billing/wallet';
import { publicUrl } from '$lib/server/config';
import { withTenant, type Tx } from '$lib/server/db';
import { ledgerEntries } from '$lib/server/db/schema';
import { parseForm, formValues, type FieldErrors } from '$lib/server/http/forms';
import { getPackage } from '$lib/server/network/packages';
import { getSubscriber } from '$lib/server/network/subscribers';
import { listPayments, recordCashPayment, reverseLedgerCredit } from '$lib/server/payments/manage';
import { StkStartFailed, paymentStatus, startStkPush } from '$lib/server/payments/stk';
import { paymentReason, type LedgerKind } from '$lib/components/payments/labels';
import { m } from '$lib/paraglide/messages';
import { paymentView } from '../../payments/payment-view';
import { cashSchema, promptSchema, reverseSchema } from './schema';
import { isUuid } from '$lib/uuid';

const isManager = (role: string) => (MANAGERS as readonly string[]).includes(role);

export interface LedgerLine {
	id: number;
	kind: LedgerKind;
	amountKes: number;
	reference: string | null;
	note: string | null;
	createdAt: Date;
	/** A credit not yet taken back, still in the wallet: a manager may reverse it. */
	reversible: boolean;
}

/** Everything the wallet section shows. `promptId` is the `?payment=` of a prompt just sent. */
export async function walletView(
	tx: Tx,
	subscriber: { id: string; tenantId: string },
	viewer: { id: string; role: string },
	promptId: string | null
) {
	const entries = await walletEntries(tx, subscriber.id, 20);
	const balance = await walletBalance(tx, subscriber.id);
	// A reversal is newer than its credit, so a credit on this page has its reversal here too.
	const reversed = new Set(
		entries
			.filter((e) => e.kind === 'reversal' && e.reference?.startsWith('entry:'))
			.map((e) => Number(e.reference!.slice(6)))
	);
	const lines: LedgerLine[] = entries.map((e) => ({
		id: e.id,
		kind: e.kind,
		amountKes: e.amountKes,
		reference: e.kind === 'purchase' || e.kind === 'reversal' ? null : e.reference,
		note: e.note,
		createdAt: e.createdAt,
		// Money already spent on a package cannot be taken back: offer only what the balance covers.
		reversible: e.amountKes > 0 && !reversed.has(e.id) && balance >= e.amountKes
	}));
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
		entries: lines,
		payments: (
			await listPayments(tx, subscriber.tenantId, { subscriberId: subscriber.id, limit: 10 })
		).map(paymentView),
		prompt
	};
}

type WalletForm = 'cash' | 'reverse' | 'prompt';

/** A failure that the page shows beside the form it came from (`wallet` names it). */
function walletFailure(
	status: number,
	wallet: WalletForm,
	form: FormData,
	message: string,
	errors: FieldErrors = {}
) {
	return fail(status, { wallet, message, errors, values: formValues(form) });
}

function parseWallet<S extends z.ZodType>(wallet: WalletForm, schema: S, form: FormData) {
	const parsed = parseForm(schema, form, m.error_check_form());
	if (parsed.ok) return parsed;
	return { ok: false as const, failure: fail(400, { wallet, ...parsed.failure.data }) };
}

function actorOf(event: RequestEvent, user: { id: string; name: string }): AuditActor {
	return { userId: user.id, name: user.name, ip: event.getClientAddress() };
}

const back = (id: string, query: string) => `/manage/subscribers/${id}?${query}#wallet`;

/** Cash at the counter: credited, and the package bought now if asked for and covered. */
export async function recordCash(event: RequestEvent<{ id: string }>) {
	const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
	const form = await event.request.formData();
	const parsed = parseWallet('cash', cashSchema, form);
	if (!parsed.ok) return parsed.failure;
	const { amountKes, note, buyPackage } = parsed.data;
	const outcome = await withTenant(tenantId, async (tx) => {
		const subscriber = await getSubscriber(tx, event.params.id);
		if (!subscriber) return null;
		if (buyPackage && !subscriber.packageId) return 'no-package' as const;
		try {
			return await recordCashPayment(
				tx,
				{
					tenantId: subscriber.tenantId,
					subscriberId: subscriber.id,
					amountKes,
					note,
					buyPackageId: buyPackage ? '' : null
				},
				actorOf(event, user)
			);
		} catch (e) {
			if (e instanceof WalletError && e.reason === 'package-unavailable')
				return 'no-package' as const;
			if (e instanceof WalletError && e.reason === 'invalid-amount') return 'amount' as const;
			throw e;
		}
	});
	if (!outcome) error(404, 'Not found');
	if (outcome === 'no-package')
		return walletFailure(400, 'cash', form, m.error_check_form(), {
			buyPackage: m.wallet_error_no_package()
		});
	if (outcome === 'amount')
		return walletFailure(400, 'cash', form, m.error_check_form(), {
			amountKes: m.wallet_error_amount()
		});
	redirect(
		303,
		back(
			event.params.id,
			`wallet=${outcome.renewed ? 'cash-renewed' : buyPackage ? 'cash-short' : 'cash'}`
		)
	);
}

/** Takes a credit back, with the reason; never below a zero balance. */
export async function reverseEntry(event: RequestEvent<{ id: string }>) {
	const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
	const form = await event.request.formData();
	const parsed = parseWallet('reverse', reverseSchema, form);
	if (!parsed.ok) return parsed.failure;
	const { entryId, note } = parsed.data;
	const outcome = await withTenant(tenantId, async (tx) => {
		const subscriber = await getSubscriber(tx, event.params.id);
		if (!subscriber) return null;
		const [entry] = await tx
			.select({ id: ledgerEntries.id })
			.from(ledgerEntries)
			.where(and(eq(ledgerEntries.id, entryId), eq(ledgerEntries.subscriberId, subscriber.id)));
		if (!entry) return { failed: m.wallet_error_reverse_gone() };
		try {
			await reverseLedgerCredit(
				tx,
				{ tenantId: subscriber.tenantId, entryId, note },
				actorOf(event, user)
			);
			return { failed: null };
		} catch (e) {
			if (!(e instanceof WalletError)) throw e;
			if (e.reason === 'insufficient')
				return {
					failed: m.wallet_error_reverse_spent({
						balance: String(await walletBalance(tx, subscriber.id))
					})
				};
			return { failed: m.wallet_error_reverse_gone() };
		}
	});
	if (!outcome) error(404, 'Not found');
	if (outcome.failed)
		return walletFailure(400, 'reverse', form, outcome.failed, { entryId: outcome.failed });
	redirect(303, back(event.params.id, 'wallet=reversed'));
}

/** Why a prompt did not start, as the staff member needs to hear it, and on which field. */
function promptProblem(failure: StkStartFailed): {
	status: number;
	message: string;
	field?: 'packageId' | 'phone';
} {
	switch (failure.problem) {
		case 'not-configured':
			return { status: 400, message: m.wallet_prompt_not_configured() };
		case 'package':
			return { status: 400, message: m.wallet_prompt_package(), field: 'packageId' };
		case 'phone':
			return { status: 400, message: m.error_phone_shape(), field: 'phone' };
		case 'prompt-open':
			return { status: 409, message: m.wallet_prompt_open() };
		case 'merchant':
			return { status: 502, message: m.wallet_prompt_merchant() };
		case 'unavailable':
			return { status: 503, message: m.wallet_prompt_unavailable() };
		case 'subscriber':
		case 'rejected':
			return { status: 502, message: m.wallet_prompt_rejected({ reason: failure.message }) };
	}
}

/** Sends the subscriber an M-Pesa prompt for a package; the page then follows it to the end. */
export async function sendPrompt(event: RequestEvent<{ id: string }>) {
	const { user, tenantId } = requireRole(event.locals, STAFF, event.url);
	const form = await event.request.formData();
	const parsed = parseWallet('prompt', promptSchema, form);
	if (!parsed.ok) return parsed.failure;
	const { packageId, phone } = parsed.data;
	const subscriber = await withTenant(tenantId, async (tx) => {
		const row = await getSubscriber(tx, event.params.id);
		// An agent prompts only the subscribers they registered (the page shows them no others).
		if (!row || (!isManager(user.role) && row.registeredBy !== user.id)) return null;
		const pkg = await getPackage(tx, packageId);
		return { row, kindMatches: !pkg || pkg.kind === row.kind };
	});
	if (!subscriber) error(404, 'Not found');
	if (!subscriber.kindMatches)
		return walletFailure(400, 'prompt', form, m.error_check_form(), {
			packageId: m.error_package_kind()
		});
	const { row } = subscriber;
	let paymentId: string;
	try {
		const payment = await startStkPush({
			tenantId: row.tenantId,
			subscriberId: row.id,
			packageId,
			phone,
			channel: 'staff',
			initiatedBy: user.id,
			callbackBase: publicUrl()
		});
		paymentId = payment.id;
		await withTenant(tenantId, (tx) =>
			writeAudit(tx, {
				tenantId: row.tenantId,
				actor: actorOf(event, user),
				action: 'payment.prompt',
				target: `${row.accountNumber} ${row.name}`,
				detail: {
					paymentId: payment.id,
					amountKes: payment.amountKes,
					packageId,
					phone: payment.phone
				}
			})
		);
	} catch (e) {
		if (!(e instanceof StkStartFailed)) throw e;
		const problem = promptProblem(e);
		return walletFailure(
			problem.status,
			'prompt',
			form,
			problem.message,
			problem.field ? { [problem.field]: problem.message } : {}
		);
	}
	redirect(303, back(row.id, `payment=${paymentId}`));
}
