import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { mismatchIssue, newPasswordFields, passwordsMatch } from '$lib/new-password';

export const changePasswordSchema = z
	.object({
		current: z
			.string({ error: () => m.error_required() })
			.min(1, { error: () => m.error_required() })
			.max(200, { error: () => m.error_too_long() }),
		...newPasswordFields
	})
	.refine(passwordsMatch, mismatchIssue())
	.refine((v) => v.password !== v.current, {
		path: ['password'],
		error: () => m.password_same_as_current()
	});
