import { error, fail, redirect } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { invalidateUserSessions } from '$lib/server/auth/session';
import { writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { tenants, users } from '$lib/server/db/schema';
import { publicUrl } from '$lib/server/config';
import { StaffNotFound, issuePasswordReset } from '$lib/server/staff/password-resets';
import { m } from '$lib/paraglide/messages';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const [member] = await withTenant(tenantId, (tx) =>
		tx
			.select({
				id: users.id,
				name: users.name,
				role: users.role,
				phone: users.phone,
				email: users.email,
				disabledAt: users.disabledAt,
				createdAt: users.createdAt,
				tenantName: tenants.name
			})
			.from(users)
			.innerJoin(tenants, eq(tenants.id, users.tenantId))
			.where(eq(users.id, params.id))
	);
	if (!member) error(404, 'Not found');
	return { member, isSelf: member.id === locals.user?.id };
};

async function setDisabled(
	disabled: boolean,
	{ locals, params, url, getClientAddress }: Parameters<Actions[string]>[0]
) {
	const { user, tenantId } = requireRole(locals, MANAGERS, url);
	const id = params.id;
	if (id === user.id) error(400, 'You cannot disable yourself');
	const changed = await withTenant(tenantId, async (tx) => {
		const rows = await tx
			.update(users)
			.set({ disabledAt: disabled ? new Date() : null })
			.where(and(eq(users.id, id)))
			.returning({ tenantId: users.tenantId, name: users.name });
		const row = rows[0];
		if (row)
			await writeAudit(tx, {
				tenantId: row.tenantId,
				actor: { userId: user.id, name: user.name, ip: getClientAddress() },
				action: disabled ? 'staff.disable' : 'staff.enable',
				target: row.name
			});
		return row;
	});
	if (!changed) error(404, 'Not found');
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
		const { token, name } = await issuePasswordReset(tenantId, params.id, {
			userId: user.id,
			name: user.name,
			ip: getClientAddress()
		});
		return { reset: { name, link: `${publicUrl()}/reset/${token}` } };
	} catch (e) {
		if (e instanceof StaffNotFound) error(404, 'Not found');
		throw e;
	}
}

export const actions: Actions = {
	disable: (event) => setDisabled(true, event),
	enable: (event) => setDisabled(false, event),
	reset: issueResetLink
};
