import type { Handle } from '@sveltejs/kit';
import {
	SESSION_COOKIE,
	deleteSessionTokenCookie,
	setSessionTokenCookie,
	validateSessionToken
} from '$lib/server/auth/session';

/** Session cookie → user → the tenant scope of this request. */
export const authHandle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	event.locals.tenantId = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const { session, user } = await validateSessionToken(token);
		if (session) {
			setSessionTokenCookie(event, token, session.expiresAt);
			event.locals.user = user;
			event.locals.session = session;
			event.locals.tenantId = user.tenantId;
		} else {
			deleteSessionTokenCookie(event);
		}
	}
	return resolve(event);
};
