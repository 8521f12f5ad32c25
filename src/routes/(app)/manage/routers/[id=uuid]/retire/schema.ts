import { z } from 'zod';
import { m } from '$lib/paraglide/messages';

/** What happens to a retiring router's subscribers; `moveTo` is needed only for a move. */
export const retireSchema = z
	.object({
		fate: z.enum(['move', 'disable', 'leave'], { error: () => m.error_choose() }),
		moveTo: z.string().optional()
	})
	.superRefine((value, ctx) => {
		if (value.fate === 'move' && !z.uuid().safeParse(value.moveTo ?? '').success) {
			ctx.addIssue({ code: 'custom', path: ['moveTo'], message: m.error_choose() });
		}
	});

/** Deleting a router with subscribers: where they go first. */
export const moveSchema = z.object({ moveTo: z.uuid({ error: () => m.error_choose() }) });
