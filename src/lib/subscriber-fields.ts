/**
 * The subscriber fields registration and the edit form both take, as zod rules the browser and
 * the server share (no server imports here): the same name limits, phones normalised the same way.
 */
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';

export const SUBSCRIBER_KINDS = ['hotspot', 'pppoe'] as const;

export const subscriberName = z
	.string({ error: () => m.error_required() })
	.trim()
	.min(2, { error: () => m.error_required() })
	.max(80, { error: () => m.error_too_long() });

/** Stored as 2547XXXXXXXX / 2541XXXXXXXX; "0712" and other shapes get one clear message. */
export const subscriberPhone = z
	.string({ error: () => m.error_required() })
	.trim()
	.min(1, { error: () => m.error_required() })
	.transform((v, ctx) => {
		const msisdn = normalizeMsisdn(v);
		if (msisdn) return msisdn;
		ctx.addIssue({ code: 'custom', message: m.error_phone_shape() });
		return z.NEVER;
	});

export const subscriberKind = z.enum(SUBSCRIBER_KINDS, { error: () => m.error_choose() });
