import { redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/auth/guards';
import { login } from '$lib/server/auth/login';
import { lockedMessage } from '$lib/server/auth/locked-message';
import { rememberLoginNotice } from '$lib/server/auth/login-notice';
import { setLanguageCookie, setSessionTokenCookie } from '$lib/server/auth/session';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
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
		const message = result.reason === 'locked' ? lockedMessage(result.until) : m.login_invalid();
		return formFailure(400, form, message);
	}
	setSessionTokenCookie({ cookies, url }, result.token, result.session.expiresAt);
	rememberLoginNotice({ cookies, url }, result.failedAttempts);
	if (result.user.locale) setLanguageCookie({ cookies, url }, result.user.locale);
	redirect(303, safeRedirectTarget(parsed.data.next, url) ?? homeFor(result.user.role));
}

export const actions: Actions = { default: signIn };
