import { error, fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { invalidateUserSessions } from '$lib/server/auth/session';
import { withTenant } from '$lib/server/db';
import { getStaffMember, setStaffDisabled } from '$lib/server/staff/members';
import { publicUrl } from '$lib/server/config';
import { StaffNotFound, issuePasswordReset } from '$lib/server/staff/password-resets';
import { m } from '$lib/paraglide/messages';
import { notFound } from '$lib/server/http/not-found';
import { auditActor } from '$lib/server/audit';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const member = await withTenant(tenantId, (tx) => getStaffMember(tx, params.id));
	if (!member) notFound();
	return { member, isSelf: member.id === locals.user?.id };
};

async function setDisabled(
	disabled: boolean,
	{ locals, params, url, getClientAddress }: Parameters<Actions[string]>[0]
) {
	const { user, tenantId } = requireRole(locals, MANAGERS, url);
	const id = params.id;
	if (id === user.id) error(400, 'You cannot disable yourself');
	const changed = await withTenant(tenantId, (tx) =>
		setStaffDisabled(tx, id, disabled, auditActor(user, getClientAddress()))
	);
	if (!changed) notFound();
	if (disabled) await invalidateUserSessions(tenantId, id);
	redirect(303, `/manage/team/${id}`);
}

/** A one-time link for a staff member who forgot their password, built from our configured address, never the request's. */
async function issueResetLink({
	locals,
	params,
	url,
	getClientAddress
}: Parameters<Actions[string]>[0]) {
	const { user, tenantId } = requireRole(locals, MANAGERS, url);
	if (params.id === user.id) return fail(400, { message: m.reset_self() });
	try {
		const { token, name } = await issuePasswordReset(
			tenantId,
			params.id,
			auditActor(user, getClientAddress())
		);
		return { reset: { name, link: `${publicUrl()}/reset/${token}` } };
	} catch (e) {
		if (e instanceof StaffNotFound) notFound();
		throw e;
	}
}

export const actions: Actions = {
	disable: (event) => setDisabled(true, event),
	enable: (event) => setDisabled(false, event),
	reset: issueResetLink
};
