import { redirect, type Actions } from '@sveltejs/kit';
import { z } from 'zod';
import { setLanguageCookie } from '$lib/server/auth/session';
import { withTenant } from '$lib/server/db';
import { rememberLocale } from '$lib/server/staff/members';
import { formFailure } from '$lib/server/http/form-parsing';
import { safeRedirectTarget } from '$lib/server/http/redirect-target';
import type { PageServerLoad } from './$types';
import { m } from '$lib/paraglide/messages';

const schema = z.object({ lang: z.enum(['en', 'sw']), back: z.string().max(500).optional() });

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ request, cookies, locals, url }) => {
		const form = await request.formData();
		const parsed = schema.safeParse(Object.fromEntries(form));
		if (!parsed.success)
			return formFailure(400, form, m.language_choose_error(), { lang: m.language_choose_error() });
		const { lang, back } = parsed.data;
		setLanguageCookie({ cookies, url }, lang);
		// Remembered on the account too, so the next phone the user logs in on speaks the same language.
		if (locals.user && locals.tenantId) {
			const userId = locals.user.id;
			await withTenant(locals.tenantId, (tx) => rememberLocale(tx, userId, lang));
		}
		redirect(303, safeRedirectTarget(back, url) ?? '/');
	}
};
