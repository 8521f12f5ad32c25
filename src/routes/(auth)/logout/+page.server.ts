import { redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { stopActingAs } from '$lib/server/auth/act-as';
import { deleteSessionTokenCookie, invalidateSession } from '$lib/server/auth/session';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, url, getClientAddress }) => {
		// A grant ends with the session, and says so in both audit logs.
		if (locals.session?.actAs && locals.user)
			await stopActingAs({
				admin: locals.user,
				sessionId: locals.session.id,
				cause: 'logout',
				ip: getClientAddress()
			});
		if (locals.session) await invalidateSession(locals.session.id);
		deleteSessionTokenCookie({ cookies, url });
		redirect(303, '/login');
	}
};
