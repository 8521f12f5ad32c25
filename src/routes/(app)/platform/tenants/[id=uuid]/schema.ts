import { withoutControlCharacters } from '$lib/text';
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

export const ACT_AS_REASON_MAX = 500;

export const actAsSchema = z.object({
	reason: z
		.string({ error: () => m.error_required() })
		.trim()
		.min(3, { error: () => m.error_required() })
		.max(ACT_AS_REASON_MAX, { error: () => m.error_too_long() })
		// One line in the audit log: no control characters.
		.transform((reason) => withoutControlCharacters(reason))
});
