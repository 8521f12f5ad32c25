import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';

export const inviteSchema = z
	.object({
		name: z.string({ error: () => m.error_required() }).trim().min(2, { error: () => m.error_required() }).max(80, { error: () => m.error_too_long() }),
		contact: z.string({ error: () => m.error_required() }).trim().min(3, { error: () => m.error_contact_shape() }).max(120, { error: () => m.error_too_long() }),
		role: z.enum(['agent', 'tenant_admin'], { error: () => m.error_role() }),
		tenantId: z.uuid({ error: () => m.error_required() })
	})
	.transform((v, ctx) => {
		if (v.contact.includes('@')) {
			const email = z.email().safeParse(v.contact.toLowerCase());
			if (!email.success) {
				ctx.addIssue({ code: 'custom', path: ['contact'], message: m.error_contact_shape() });
				return z.NEVER;
			}
			return { ...v, email: email.data, phone: undefined };
		}
		const phone = normalizeMsisdn(v.contact);
		if (!phone) {
			ctx.addIssue({ code: 'custom', path: ['contact'], message: m.error_phone_shape() });
			return z.NEVER;
		}
		return { ...v, phone, email: undefined };
	});
