/**
 * The subscriber page's three wallet forms: cash and reversals for managers, M-Pesa prompts for
 * all staff. Each parses its form, makes one call into payments/staff-wallet and shapes the answer
 * for the form it came from.
 */
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { MANAGERS, STAFF, requireRole } from '$lib/server/auth/guards';
import { auditActor } from '$lib/server/audit';
import { publicUrl } from '$lib/server/config';
import { withTenant } from '$lib/server/db';
import { parseForm, formValues, type FieldErrors } from '$lib/server/http/form-parsing';
import {
	StaffPromptRefused,
	recordSubscriberCash,
	reverseSubscriberCredit,
	startStaffPrompt
} from '$lib/server/payments/staff-wallet';
import { StkStartFailed } from '$lib/server/payments/stk';
import { m } from '$lib/paraglide/messages';
import { cashSchema, promptSchema, reverseSchema } from './schema';
import { notFound } from '$lib/server/http/not-found';

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

const back = (id: string, query: string) => `/manage/subscribers/${id}?${query}#wallet`;

/** Cash at the counter: credited, and the package bought now if asked for and covered. */
export async function recordCash(event: RequestEvent<{ id: string }>) {
	const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
	const form = await event.request.formData();
	const parsed = parseWallet('cash', cashSchema, form);
	if (!parsed.ok) return parsed.failure;
	const { amountKes, note, buyPackage } = parsed.data;
	const outcome = await withTenant(tenantId, (tx) =>
		recordSubscriberCash(
			tx,
			event.params.id,
			{ amountKes, note, buyPackage },
			auditActor(user, event.getClientAddress())
		)
	);
	if (!outcome) notFound();
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
	const outcome = await withTenant(tenantId, (tx) =>
		reverseSubscriberCredit(
			tx,
			event.params.id,
			parsed.data,
			auditActor(user, event.getClientAddress())
		)
	);
	if (!outcome) notFound();
	if (!outcome.reversed) {
		const failed =
			outcome.problem === 'spent'
				? m.wallet_error_reverse_spent({ balance: String(outcome.balance) })
				: m.wallet_error_reverse_gone();
		return walletFailure(400, 'reverse', form, failed, { entryId: failed });
	}
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
	let payment;
	try {
		payment = await startStaffPrompt(
			tenantId,
			event.params.id,
			parsed.data,
			user,
			auditActor(user, event.getClientAddress()),
			publicUrl()
		);
	} catch (e) {
		if (e instanceof StaffPromptRefused && e.problem === 'not-found') notFound();
		if (e instanceof StaffPromptRefused)
			return walletFailure(400, 'prompt', form, m.error_check_form(), {
				packageId: m.error_package_kind()
			});
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
	redirect(303, back(event.params.id, `payment=${payment.id}`));
}
