import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';
import { SERVICE_KINDS } from '$lib/server/db/schema';

/** Blank, or a number within range (the GPS fills these; a person never types them). */
const coordinate = (limit: number) =>
	z
		.string()
		.trim()
		.default('')
		.transform((v) => (v === '' ? null : Number(v)))
		.refine((v) => v === null || (Number.isFinite(v) && Math.abs(v) <= limit), { error: () => m.error_location() });

export const registerSchema = z.object({
	name: z.string({ error: () => m.error_required() }).trim().min(2, { error: () => m.error_required() }).max(80, { error: () => m.error_too_long() }),
	// Stored as 2547XXXXXXXX / 2541XXXXXXXX; "0712" and other shapes get one clear message.
	phone: z
		.string({ error: () => m.error_required() })
		.trim()
		.min(1, { error: () => m.error_required() })
		.transform((v, ctx) => {
			const msisdn = normalizeMsisdn(v);
			if (msisdn) return msisdn;
			ctx.addIssue({ code: 'custom', message: m.error_phone_shape() });
			return z.NEVER;
		}),
	kind: z.enum(SERVICE_KINDS, { error: () => m.error_choose() }),
	routerId: z.uuid({ error: () => m.error_choose() }),
	packageId: z.uuid({ error: () => m.error_choose() }),
	latitude: coordinate(90),
	longitude: coordinate(180),
	/** Generated when the form was shown: submitting twice registers once. */
	clientRef: z.uuid().optional().catch(undefined)
});
