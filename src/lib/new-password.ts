/**
 * The rules for a password someone chooses (joining, changing, resetting): one schema, so every
 * form asks the same thing and says it the same way.
 */
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

export const newPasswordFields = {
	password: z
		.string({ error: () => m.error_required() })
		.min(PASSWORD_MIN, { error: () => m.error_password_short() })
		.max(PASSWORD_MAX, { error: () => m.error_too_long() }),
	confirm: z.string({ error: () => m.error_required() })
};

export const passwordsMatch = (v: { password: string; confirm: string }) =>
	v.password === v.confirm;
export const mismatchIssue = (): { path: string[]; error: () => string } => ({
	path: ['confirm'],
	error: () => m.error_password_mismatch()
});

export const newPasswordSchema = z
	.object(newPasswordFields)
	.refine(passwordsMatch, mismatchIssue());
