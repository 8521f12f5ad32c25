import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { publicUrl } from '$lib/server/config';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import {
	InvitationNotFound,
	createInvitation,
	listOpenInvitations,
	listStaff,
	renewInvitation,
	revokeInvitation
} from '$lib/server/staff/invitations';
import { m } from '$lib/paraglide/messages';
import { getTenant, listTenantNames } from '$lib/server/tenants/tenants';
import { inviteSchema, revokeSchema } from './schema';
import { notFound } from '$lib/server/http/not-found';
import { auditActor } from '$lib/server/audit';

const inviteLink = (token: string) => `${publicUrl()}/invite/${token}`;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	return withTenant(tenantId, async (tx) => ({
		staff: await listStaff(tx),
		// Each link stays here until it is used, revoked or expired: managers send it when they can.
		invitations: (await listOpenInvitations(tx)).map(({ token, ...invitation }) => ({
			...invitation,
			link: token ? inviteLink(token) : null
		})),
		tenants: await listTenantNames(tx)
	}));
};

/** Revoking and renewing name an invitation the same way; anything else is not one of this manager's. */
async function onInvitation<T>(request: Request, act: (id: string) => Promise<T>): Promise<T> {
	const parsed = parseForm(revokeSchema, await request.formData(), m.error_check_form());
	if (!parsed.ok) notFound();
	try {
		return await act(parsed.data.id);
	} catch (e) {
		// Another tenant's, already used or revoked: nothing here to act on.
		if (e instanceof InvitationNotFound) notFound();
		throw e;
	}
}

export const actions: Actions = {
	invite: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(inviteSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const invite = parsed.data;
		// The target tenant must be this manager's own or one below it; RLS would refuse the insert
		// anyway, but the manager deserves a field message rather than an error page.
		const visible = await withTenant(tenantId, (tx) => getTenant(tx, invite.tenantId));
		if (!visible)
			return formFailure(400, form, m.error_check_form(), { tenantId: m.error_required() });
		const token = await createInvitation(
			tenantId,
			{
				tenantId: invite.tenantId,
				role: invite.role,
				name: invite.name,
				phone: invite.phone,
				email: invite.email
			},
			auditActor(user, getClientAddress())
		);
		return { invited: { name: invite.name, tenantId: invite.tenantId, link: inviteLink(token) } };
	},
	revoke: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const { name } = await onInvitation(request, (id) =>
			revokeInvitation(tenantId, id, auditActor(user, getClientAddress()))
		);
		return { revoked: { name } };
	},
	renew: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const { name } = await onInvitation(request, (id) =>
			renewInvitation(tenantId, id, auditActor(user, getClientAddress()))
		);
		return { renewed: { name } };
	}
};
