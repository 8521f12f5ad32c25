import { redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/auth/guards';
import { login } from '$lib/server/auth/login';
import { rememberLoginNotice } from '$lib/server/auth/login-notice';
import { setSessionTokenCookie } from '$lib/server/auth/session';
import { config } from '$lib/server/config';
import { formFailure, parseForm } from '$lib/server/http/forms';
import { safeRedirectTarget } from '$lib/server/http/redirect-target';
import { m } from '$lib/paraglide/messages';
import { loginSchema } from './schema';
import { clientAddressOf } from '$lib/server/security/address-key';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, homeFor(locals.user.role));
	// Only our own paths: a login link must not bounce the user to another site.
	return { next: safeRedirectTarget(url.searchParams.get('next'), url) ?? '' };
};

async function signIn({ request, cookies, getClientAddress, url }: Parameters<Actions[string]>[0]) {
	const form = await request.formData();
	const parsed = parseForm(loginSchema, form, m.error_check_form());
	if (!parsed.ok) return parsed.failure;
	const result = await login(parsed.data.login, parsed.data.password, {
		ip: clientAddressOf({ getClientAddress }),
		userAgent: request.headers.get('user-agent') ?? undefined
	});
	if (!result.ok) {
		const message = result.reason === 'locked' ? m.login_locked() : m.login_invalid();
		return formFailure(400, form, message);
	}
	const secure = config().production && url.protocol === 'https:';
	setSessionTokenCookie(cookies, result.token, result.session.expiresAt, secure);
	rememberLoginNotice(cookies, result.failedAttempts, secure);
	if (result.user.locale) cookies.set('lang', result.user.locale, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 400 * 24 * 3600 });
	redirect(303, safeRedirectTarget(parsed.data.next, url) ?? homeFor(result.user.role));
}

export const actions: Actions = { default: signIn };
