import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

/** Step one of assigning an unmatched payment: who is it? An account number or a phone, as typed. */
export const findPayerSchema = z.object({
	paymentId: z.uuid({ error: () => m.error_choose() }),
	q: z
		.string({ error: () => m.error_required() })
		.trim()
		.min(1, { error: () => m.error_required(), abort: true })
		.max(40, { error: () => m.error_too_long() })
		.regex(/^[0-9A-Za-z +\-()]+$/, { error: () => m.payments_error_find_shape() })
});

/** Step two: the subscriber the manager picked from the matches. */
export const assignSchema = z.object({
	paymentId: z.uuid({ error: () => m.error_choose() }),
	subscriberId: z.uuid({ error: () => m.error_choose() })
});
