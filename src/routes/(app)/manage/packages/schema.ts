import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { RATE_LIMIT_SHAPE } from '$lib/server/network/packages';
import { SERVICE_KINDS, VALIDITY_UNITS } from '$lib/vocabulary';

/** A whole number typed into a form field, within a range, with the range in the message. */
export const wholeNumber = (min: number, max: number) =>
	z
		.string({ error: () => m.error_required() })
		.trim()
		.min(1, { error: () => m.error_required() })
		.regex(/^[0-9]+$/, { error: () => m.error_number_range({ min, max }) })
		.transform(Number)
		.pipe(
			z
				.number()
				.int()
				.min(min, { error: () => m.error_number_range({ min, max }) })
				.max(max, { error: () => m.error_number_range({ min, max }) })
		);

const packageFields = {
	name: z
		.string({ error: () => m.error_required() })
		.trim()
		.min(2, { error: () => m.error_required() })
		.max(40, { error: () => m.error_too_long() }),
	priceKes: wholeNumber(1, 1_000_000),
	validityCount: wholeNumber(1, 1000),
	validityUnit: z.enum(VALIDITY_UNITS, { error: () => m.error_choose() }),
	rateLimit: z
		.string({ error: () => m.error_required() })
		.trim()
		.transform((v) =>
			v.replace(/\s+/g, '').replace(/m/g, 'M').replace(/g/g, 'G').replace(/K/g, 'k')
		)
		.pipe(z.string().regex(RATE_LIMIT_SHAPE, { error: () => m.error_rate_shape() })),
	// Blank means no cap.
	dataCapMb: z
		.string()
		.trim()
		.default('')
		.transform((v) => (v === '' ? undefined : v))
		.pipe(wholeNumber(1, 10_000_000).optional())
		.transform((v) => v ?? null),
	sharedDevices: wholeNumber(1, 50)
};

export const newPackageSchema = z
	.object({ ...packageFields, kind: z.enum(SERVICE_KINDS, { error: () => m.error_choose() }) })
	.superRefine((pkg, ctx) => {
		const refusal = dataCapRefusal(pkg.kind, pkg.dataCapMb);
		if (refusal) ctx.addIssue({ code: 'custom', path: ['dataCapMb'], message: refusal });
	});

/**
 * RouterOS has no byte cap on a PPP secret, and PPPoE quotas (a queue or RADIUS) are not built:
 * a capped PPPoE package would never reach the router. Null when the cap is allowed.
 */
export function dataCapRefusal(
	kind: (typeof SERVICE_KINDS)[number],
	dataCapMb: number | null
): string | null {
	return kind === 'pppoe' && dataCapMb !== null ? m.package_error_cap_pppoe() : null;
}

/** The kind is fixed once created: the router profile lives under hotspot or PPP for good. */
export const editPackageSchema = z.object(packageFields);
