import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

export const loginSchema = z.object({
	login: z
		.string({ error: () => m.error_required() })
		.trim()
		.min(3, { error: () => m.error_login_shape() })
		.max(200, { error: () => m.error_too_long() }),
	password: z
		.string({ error: () => m.error_required() })
		.min(1, { error: () => m.error_required() })
		.max(200, { error: () => m.error_too_long() }),
	next: z.string().max(300).optional()
});
