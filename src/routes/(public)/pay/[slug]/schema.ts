import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';

/** M-Pesa carries at most 12 characters of account reference, so no account number is longer. */
const ACCOUNT = /^[0-9A-Z]{1,12}$/;
const compactAccount = (value: string) => value.replace(/[\s-]+/g, '').toUpperCase();

/** What a customer types to find the account: the account number, or the phone it is registered to. */
const lookup = z
	.string({ error: () => m.error_required() })
	.trim()
	.min(1, { error: () => m.error_required() })
	.max(40, { error: () => m.error_too_long() })
	.transform((value, ctx) => {
		const compact = compactAccount(value);
		const lookup = {
			account: ACCOUNT.test(compact) ? compact : null,
			phone: normalizeMsisdn(value)
		};
		if (lookup.account || lookup.phone) return lookup;
		const tooLong = /^[0-9A-Z]+$/.test(compact);
		ctx.addIssue({
			code: 'custom',
			message: tooLong ? m.pay_error_account_long() : m.pay_error_account_shape()
		});
		return z.NEVER;
	});

export const findSchema = z.object({ account: lookup });

/** Blank: the subscriber's own phone pays. */
export const payerPhone = z
	.string()
	.trim()
	.max(40, { error: () => m.error_too_long() })
	.default('')
	.transform((value, ctx) => {
		if (!value) return null;
		const phone = normalizeMsisdn(value);
		if (!phone) ctx.addIssue({ code: 'custom', message: m.pay_error_phone() });
		return phone;
	});

/**
 * Step 2 posts back what was typed in step 1 (an account number or a phone), not the account number
 * it found: a stranger who types a phone never learns the account number behind it.
 */
export const paySchema = z.object({
	account: lookup,
	packageId: z.uuid({ error: () => m.pay_error_choose_package() }),
	phone: payerPhone
});
