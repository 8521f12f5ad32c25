import { error, redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/auth/guards';
import {
	createSession,
	generateSessionToken,
	setSessionTokenCookie
} from '$lib/server/auth/session';
import { parseForm } from '$lib/server/http/form-parsing';
import {
	ResetLinkClosed,
	findPasswordReset,
	usePasswordReset
} from '$lib/server/staff/password-resets';
import { newPasswordSchema } from '$lib/new-password';
import { m } from '$lib/paraglide/messages';

export const load: PageServerLoad = async ({ params }) => {
	const reset = await findPasswordReset(params.token);
	if (!reset) error(404, m.reset_invalid());
	return { name: reset.name, login: reset.login };
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url, getClientAddress }) => {
		const reset = await findPasswordReset(params.token!);
		if (!reset) error(404, m.reset_invalid());
		const form = await request.formData();
		const parsed = parseForm(newPasswordSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		let user;
		try {
			user = await usePasswordReset(reset, parsed.data.password, { ip: getClientAddress() });
		} catch (e) {
			if (e instanceof ResetLinkClosed) error(404, m.reset_invalid());
			throw e;
		}
		const token = generateSessionToken();
		const session = await createSession(token, user, {
			ip: getClientAddress(),
			userAgent: request.headers.get('user-agent') ?? undefined
		});
		setSessionTokenCookie({ cookies, url }, token, session.expiresAt);
		redirect(303, homeFor(user.role));
	}
};
