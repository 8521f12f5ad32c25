import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';

export const newTenantSchema = z
	.object({
		name: z.string({ error: () => m.error_required() }).trim().min(2, { error: () => m.error_required() }).max(80, { error: () => m.error_too_long() }),
		slug: z
			.string({ error: () => m.error_required() })
			.trim()
			.toLowerCase()
			.regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, { error: () => m.error_slug_shape() }),
		parentId: z.uuid({ error: () => m.error_required() }),
		kind: z.enum(['isp', 'reseller', 'site', 'brand'], { error: () => m.error_required() }),
		brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: () => m.error_colour_shape() }).default('#0b7a45'),
		timezone: z
			.string()
			.default('Africa/Nairobi')
			.refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', { error: () => m.error_timezone() }),
		managerName: z.string({ error: () => m.error_required() }).trim().min(2, { error: () => m.error_required() }).max(80, { error: () => m.error_too_long() }),
		managerContact: z.string({ error: () => m.error_required() }).trim().min(3, { error: () => m.error_contact_shape() }).max(120)
	})
	.transform((v, ctx) => {
		if (v.managerContact.includes('@')) {
			const email = z.email().safeParse(v.managerContact.toLowerCase());
			if (email.success) return { ...v, managerEmail: email.data, managerPhone: undefined };
			ctx.addIssue({ code: 'custom', path: ['managerContact'], message: m.error_contact_shape() });
			return z.NEVER;
		}
		const phone = normalizeMsisdn(v.managerContact);
		if (phone) return { ...v, managerPhone: phone, managerEmail: undefined };
		ctx.addIssue({ code: 'custom', path: ['managerContact'], message: m.error_phone_shape() });
		return z.NEVER;
	});
