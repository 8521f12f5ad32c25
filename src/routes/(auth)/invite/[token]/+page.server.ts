import { error, redirect, type Actions } from '@sveltejs/kit';
import { z } from 'zod';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/auth/guards';
import { createSession, generateSessionToken, setSessionTokenCookie } from '$lib/server/auth/session';
import { config } from '$lib/server/config';
import { formFailure, parseForm } from '$lib/server/http/forms';
import { LoginTaken, acceptInvitation, findInvitation } from '$lib/server/staff/invitations';
import { m } from '$lib/paraglide/messages';

const schema = z
	.object({
		password: z.string({ error: () => m.error_required() }).min(8, { error: () => m.error_password_short() }).max(200, { error: () => m.error_too_long() }),
		confirm: z.string({ error: () => m.error_required() })
	})
	.refine((v) => v.password === v.confirm, { path: ['confirm'], error: () => m.error_password_mismatch() });

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
		const parsed = parseForm(schema, form, m.error_check_form());
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
