import { redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { deleteSessionTokenCookie, invalidateSession } from '$lib/server/auth/session';
import { config } from '$lib/server/config';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		if (locals.session) await invalidateSession(locals.session.id);
		deleteSessionTokenCookie(cookies, config().production && url.protocol === 'https:');
		redirect(303, '/login');
	}
};
