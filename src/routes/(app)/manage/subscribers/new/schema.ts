import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { subscriberKind, subscriberName, subscriberPhone } from '$lib/subscriber-fields';

/** Blank, or a number within range (the GPS fills these; a person never types them). */
const coordinate = (limit: number) =>
	z
		.string()
		.trim()
		.default('')
		.transform((v) => (v === '' ? null : Number(v)))
		.refine((v) => v === null || (Number.isFinite(v) && Math.abs(v) <= limit), {
			error: () => m.error_location()
		});

export const registerSchema = z.object({
	name: subscriberName,
	phone: subscriberPhone,
	kind: subscriberKind,
	/** Absent when the tenant has one router in service: the form shows it as text and the action picks it. */
	routerId: z.preprocess(
		(v) => (v === '' ? undefined : v),
		z.uuid({ error: () => m.error_choose() }).optional()
	),
	packageId: z.uuid({ error: () => m.error_choose() }),
	latitude: coordinate(90),
	longitude: coordinate(180),
	/** Generated when the form was shown: submitting twice registers once. */
	clientRef: z.uuid().optional().catch(undefined)
});
