import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { parseContact } from '$lib/contact';

export const newTenantSchema = z
	.object({
		name: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(2, { error: () => m.error_required() })
			.max(80, { error: () => m.error_too_long() }),
		slug: z
			.string({ error: () => m.error_required() })
			.trim()
			.toLowerCase()
			.regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, { error: () => m.error_slug_shape() }),
		parentId: z.uuid({ error: () => m.error_required() }),
		kind: z.enum(['isp', 'reseller', 'site', 'brand'], { error: () => m.error_required() }),
		brandColor: z
			.string()
			.regex(/^#[0-9a-fA-F]{6}$/, { error: () => m.error_colour_shape() })
			.default('#0b7a45'),
		timezone: z
			.string()
			.default('Africa/Nairobi')
			.refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', {
				error: () => m.error_timezone()
			}),
		managerName: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(2, { error: () => m.error_required() })
			.max(80, { error: () => m.error_too_long() }),
		managerContact: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(3, { error: () => m.error_contact_shape() })
			.max(120)
	})
	.transform((v, ctx) => {
		const contact = parseContact(v.managerContact, 'managerContact', ctx);
		return { ...v, managerEmail: contact.email, managerPhone: contact.phone };
	});
