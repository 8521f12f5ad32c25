import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';
import { subscriberKind, subscriberName, subscriberPhone } from '$lib/subscriber-fields';

const checkbox = z
	.string()
	.optional()
	.transform((v) => v === 'on' || v === 'true');

/** Whole shillings (M-Pesa has no cents), typed as people write them: "1500", "1,500" or "1 500". */
const shillings = z
	.string({ error: () => m.error_required() })
	.transform((v) => v.trim().replace(/[\s,]/g, ''))
	.pipe(
		z
			.string()
			.min(1, { error: () => m.error_required(), abort: true })
			.regex(/^[0-9]{1,7}$/, { error: () => m.wallet_error_amount() })
			.transform(Number)
			.pipe(
				z
					.number()
					.int()
					.min(1, { error: () => m.wallet_error_amount() })
					.max(1_000_000, { error: () => m.wallet_error_amount() })
			)
	);

const note = (min: number) =>
	z
		.string()
		.default('')
		.transform((v) => v.trim())
		.pipe(
			z
				.string()
				.min(min, { error: () => m.wallet_error_note() })
				.max(200, { error: () => m.error_too_long() })
		);

/** Cash at the counter, with the package bought at once if asked for and covered. */
export const cashSchema = z.object({
	amountKes: shillings,
	note: note(0),
	buyPackage: checkbox
});

/** Taking a credit back: which one, and why (the reason goes into the ledger and the audit log). */
export const reverseSchema = z.object({
	entryId: z
		.string({ error: () => m.error_choose() })
		.regex(/^[1-9][0-9]{0,15}$/, { error: () => m.error_choose() })
		.transform(Number)
		.refine(Number.isSafeInteger, { error: () => m.error_choose() }),
	note: note(3)
});

/** An M-Pesa prompt: which package, and the phone that gets it (blank: the subscriber's own). */
export const promptSchema = z.object({
	packageId: z.uuid({ error: () => m.error_choose() }),
	phone: z
		.string()
		.default('')
		.transform((v, ctx) => {
			if (v.trim() === '') return null;
			const msisdn = normalizeMsisdn(v);
			if (msisdn) return msisdn;
			ctx.addIssue({ code: 'custom', message: m.error_phone_shape() });
			return z.NEVER;
		})
});

/**
 * Correcting a subscriber (shared with the browser, which checks it before posting). The package
 * may stay blank: the current one is kept, and must then fit the kind. `sharedPhone` confirms a
 * phone that another subscriber of the tenant has too (a family phone).
 */
export const editSchema = z.object({
	name: subscriberName,
	phone: subscriberPhone,
	kind: subscriberKind,
	routerId: z.uuid({ error: () => m.error_choose() }),
	packageId: z
		.string()
		.default('')
		.transform((v) => v.trim())
		.pipe(
			z.union([z.literal('').transform(() => undefined), z.uuid({ error: () => m.error_choose() })])
		),
	sharedPhone: checkbox
});
