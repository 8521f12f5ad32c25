import { redirect, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { STAFF, requireRole } from '$lib/server/auth/guards';
import { changeOwnPassword } from '$lib/server/auth/password-change';
import { lockedMessage } from '$lib/server/auth/locked-message';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { m } from '$lib/paraglide/messages';
import { changePasswordSchema } from './schema';
import { clientAddressOf } from '$lib/server/security/address-key';

export const load: PageServerLoad = ({ locals, url }) => {
	const { user } = requireRole(locals, STAFF, url);
	return { login: user.phone ?? user.email, changed: url.searchParams.has('changed') };
};

export const actions: Actions = {
	default: async ({ locals, url, request, getClientAddress }) => {
		const { user } = requireRole(locals, STAFF, url);
		const form = await request.formData();
		const parsed = parseForm(changePasswordSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const result = await changeOwnPassword(
			user,
			locals.session!.id,
			{ current: parsed.data.current, next: parsed.data.password },
			{ ip: clientAddressOf({ getClientAddress }) }
		);
		if (!result.ok) {
			if (result.reason === 'locked') return formFailure(400, form, lockedMessage(result.until));
			return formFailure(400, form, m.error_check_form(), { current: m.password_current_wrong() });
		}
		redirect(303, '/account/password?changed');
	}
};
