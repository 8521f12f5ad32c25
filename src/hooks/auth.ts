import type { Handle } from '@sveltejs/kit';
import { config } from '$lib/server/config';
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
		const secure = config().production && event.url.protocol === 'https:';
		if (session) {
			setSessionTokenCookie(event.cookies, token, session.expiresAt, secure);
			event.locals.user = user;
			event.locals.session = session;
			event.locals.tenantId = user.tenantId;
		} else {
			deleteSessionTokenCookie(event.cookies, secure);
		}
	}
	return resolve(event);
};
