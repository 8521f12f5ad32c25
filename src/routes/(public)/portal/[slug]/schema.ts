import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';
import { normalizeIpv4, normalizeMac, safeLink } from '$lib/server/self-service/device';

/** A login-page variable: blank, or the right shape. They arrive hidden, so a wrong one was tampered with. */
const deviceField = (normalize: (value: string) => string | null) =>
	z
		.string()
		.trim()
		.max(2000, { error: () => m.error_too_long() })
		.default('')
		.transform((value, ctx) => {
			if (!value) return null;
			const normal = normalize(value);
			if (!normal) ctx.addIssue({ code: 'custom', message: m.portal_error_device() });
			return normal;
		});

export const buySchema = z.object({
	phone: z
		.string({ error: () => m.error_required() })
		.trim()
		.min(1, { error: () => m.portal_error_phone() })
		.max(40, { error: () => m.error_too_long() })
		.transform((value, ctx) => {
			const phone = normalizeMsisdn(value);
			if (phone) return phone;
			ctx.addIssue({ code: 'custom', message: m.portal_error_phone() });
			return z.NEVER;
		}),
	packageId: z.uuid({ error: () => m.portal_error_choose_package() }),
	mac: deviceField(normalizeMac),
	ip: deviceField(normalizeIpv4),
	'link-login-only': deviceField(safeLink),
	'link-orig': deviceField(safeLink),
	router: z.union([z.literal(''), z.uuid({ error: () => m.portal_error_device() })]).default('')
});
