import { error, redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/auth/guards';
import { createSession, generateSessionToken, setSessionTokenCookie } from '$lib/server/auth/session';
import { config } from '$lib/server/config';
import { formFailure, parseForm } from '$lib/server/http/forms';
import { LoginTaken, acceptInvitation, findInvitation } from '$lib/server/staff/invitations';
import { m } from '$lib/paraglide/messages';
import { newPasswordSchema } from '$lib/new-password';

export const load: PageServerLoad = async ({ params }) => {
	const invitation = await findInvitation(params.token);
	if (!invitation) error(404, 'This invitation is not valid any more');
	return { name: invitation.name, login: invitation.phone ?? invitation.email };
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url, getClientAddress }) => {
		const invitation = await findInvitation(params.token!);
		if (!invitation) error(404, 'This invitation is not valid any more');
		const form = await request.formData();
		const parsed = parseForm(newPasswordSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		let user;
		try {
			user = await acceptInvitation(invitation, parsed.data.password);
		} catch (e) {
			if (e instanceof LoginTaken) return formFailure(400, form, m.error_login_taken());
			throw e;
		}
		const token = generateSessionToken();
		const session = await createSession(token, user, { ip: getClientAddress(), userAgent: request.headers.get('user-agent') ?? undefined });
		setSessionTokenCookie(cookies, token, session.expiresAt, config().production && url.protocol === 'https:');
		redirect(303, homeFor(user.role));
	}
};
