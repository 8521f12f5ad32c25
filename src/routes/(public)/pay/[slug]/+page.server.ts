import { fail, redirect } from '@sveltejs/kit';
import type { Actions, RequestEvent } from './$types';
import { publicUrl } from '$lib/server/config';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { findPayer } from '$lib/server/self-service/payer';
import { startSelfServicePush } from '$lib/server/self-service/push';
import { RATE_RULES, takeHits } from '$lib/server/security/rate-limit';
import { problemMessage } from '$lib/payments/problem-messages';
import { m } from '$lib/paraglide/messages';
import {
	clientAddress,
	promptLimitMessage,
	tenantOr404
} from '$lib/server/self-service/public-pages';
import { findSchema, paySchema } from './schema';

function tooMany(form: FormData, retryAfterSeconds: number) {
	return formFailure(
		429,
		form,
		m.pay_too_many({ minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) })
	);
}

/** Step 1: the account number or phone → who it is, and what they can buy. */
async function find(event: RequestEvent) {
	const tenant = await tenantOr404(event.params.slug);
	const form = await event.request.formData();
	const parsed = parseForm(findSchema, form, m.error_check_form());
	if (!parsed.ok) return parsed.failure;
	const verdict = await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: clientAddress(event) }]);
	if (!verdict.allowed) return tooMany(form, verdict.retryAfterSeconds);
	const result = await findPayer(tenant.id, parsed.data.account);
	if (!result.ok) {
		const message =
			result.reason === 'ambiguous' ? m.pay_error_phone_shared() : m.pay_error_not_found();
		return formFailure(404, form, message, { account: message });
	}
	// What was typed goes back with step 2, so the page never needs the account number itself.
	return { payer: result.view, account: String(form.get('account')).trim() };
}

/** Step 2: the package and the paying phone → an M-Pesa prompt, then the live status page. */
async function pay(event: RequestEvent) {
	const tenant = await tenantOr404(event.params.slug);
	const form = await event.request.formData();
	const parsed = parseForm(paySchema, form, m.error_check_form());
	// Step 2 shows the account again, so it counts as a look-up too.
	const verdict = await takeHits([{ rule: RATE_RULES.lookupPerIp, subject: clientAddress(event) }]);
	if (!verdict.allowed) return tooMany(form, verdict.retryAfterSeconds);
	const account = findSchema.safeParse({ account: form.get('account') ?? '' });
	const found = account.success ? await findPayer(tenant.id, account.data.account) : null;
	if (!found?.ok)
		return formFailure(404, form, m.pay_error_not_found(), { account: m.pay_error_not_found() });
	// The failure shows step 2 again, with the account it was about.
	const again = (status: number, message: string, errors: Record<string, string> = {}) =>
		fail(status, {
			...formFailure(status, form, message, errors).data,
			payer: found.view,
			account: String(form.get('account')).trim()
		});
	if (!parsed.ok) return again(400, parsed.failure.data.message, parsed.failure.data.errors);
	const { packageId, phone } = parsed.data;
	if (!found.view.packages.some((p) => p.id === packageId))
		return again(400, m.error_check_form(), { packageId: m.pay_error_choose_package() });
	const outcome = await startSelfServicePush({
		tenantId: tenant.id,
		subscriberId: found.subscriber.id,
		packageId,
		phone: phone ?? found.subscriber.phone,
		ownPhone: found.subscriber.phone,
		channel: 'pay',
		clientAddress: clientAddress(event),
		callbackBase: publicUrl()
	});
	if (outcome.ok) redirect(303, `/pay/${tenant.slug}/status/${outcome.paymentId}`);
	const { refusal } = outcome;
	if (refusal.kind === 'too-many') {
		const message = promptLimitMessage(refusal);
		return again(
			429,
			message,
			refusal.limit === 'foreign-payer' || refusal.limit === 'phone-day' ? { phone: message } : {}
		);
	}
	if (refusal.kind === 'field') {
		const message = refusal.field === 'phone' ? m.pay_error_phone() : m.pay_error_choose_package();
		return again(400, m.error_check_form(), { [refusal.field]: message });
	}
	return again(refusal.status, problemMessage(refusal.problem));
}

export const actions = { find, pay } satisfies Actions;
