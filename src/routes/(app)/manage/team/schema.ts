import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { parseContact } from '$lib/contact';

export const inviteSchema = z
	.object({
		name: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(2, { error: () => m.error_required() })
			.max(80, { error: () => m.error_too_long() }),
		contact: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(3, { error: () => m.error_contact_shape() })
			.max(120, { error: () => m.error_too_long() }),
		role: z.enum(['agent', 'tenant_admin'], { error: () => m.error_role() }),
		tenantId: z.uuid({ error: () => m.error_required() })
	})
	.transform((v, ctx) => {
		const contact = parseContact(v.contact, 'contact', ctx);
		return { ...v, ...contact };
	});

export const revokeSchema = z.object({ id: z.string().regex(/^[a-z2-7]{24}$/) });
