import { error, redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { homeFor } from '$lib/server/auth/guards';
import {
	createSession,
	generateSessionToken,
	setSessionTokenCookie
} from '$lib/server/auth/session';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import {
	InvitationClosed,
	LoginTaken,
	acceptInvitation,
	findInvitation,
	type InvitationLookup
} from '$lib/server/staff/invitations';
import { m } from '$lib/paraglide/messages';
import { newPasswordSchema } from '$lib/new-password';

/** The open invitation, or the error page saying plainly why this link no longer works. */
async function openInvitation(token: string) {
	const found: InvitationLookup = await findInvitation(token);
	if (found.state === 'open') return found.invitation;
	if (found.state === 'invalid') error(404, m.invite_invalid());
	error(
		410,
		found.state === 'expired'
			? m.invite_expired()
			: found.state === 'revoked'
				? m.invite_revoked()
				: m.invite_used()
	);
}

export const load: PageServerLoad = async ({ params }) => {
	const invitation = await openInvitation(params.token);
	return { name: invitation.name, login: invitation.phone ?? invitation.email };
};

export const actions: Actions = {
	default: async ({ params, request, cookies, url, getClientAddress }) => {
		const invitation = await openInvitation(params.token!);
		const form = await request.formData();
		const parsed = parseForm(newPasswordSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		let user;
		try {
			user = await acceptInvitation(invitation, parsed.data.password);
		} catch (e) {
			if (e instanceof LoginTaken) return formFailure(400, form, m.error_login_taken());
			// Revoked or expired since the page was opened: say which.
			if (e instanceof InvitationClosed) {
				await openInvitation(params.token!);
				error(410, m.invite_used());
			}
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
