import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth/guards';
import { publicUrl } from '$lib/server/config';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { createInvitation } from '$lib/server/staff/invitations';
import { SlugTaken, createTenant, listVisibleTenants } from '$lib/server/tenants/tenants';
import { m } from '$lib/paraglide/messages';
import { newTenantSchema } from './schema';
import { auditActor } from '$lib/server/audit';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, ['platform_admin'], url);
	return { parents: await withTenant(tenantId, (tx) => listVisibleTenants(tx)) };
};

export const actions: Actions = {
	default: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, ['platform_admin'], url);
		const form = await request.formData();
		const parsed = parseForm(newTenantSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const input = parsed.data;
		const actor = auditActor(user, getClientAddress());
		try {
			const tenant = await createTenant(
				tenantId,
				{
					name: input.name,
					slug: input.slug,
					parentId: input.parentId,
					kind: input.kind,
					brandColor: input.brandColor,
					timezone: input.timezone
				},
				actor
			);
			const token = await createInvitation(
				tenantId,
				{
					tenantId: tenant.id,
					role: 'tenant_admin',
					name: input.managerName,
					phone: input.managerPhone,
					email: input.managerEmail
				},
				actor
			);
			return {
				created: { id: tenant.id, name: tenant.name, link: `${publicUrl()}/invite/${token}` }
			};
		} catch (error) {
			if (error instanceof SlugTaken)
				return formFailure(400, form, m.error_check_form(), { slug: m.error_slug_taken() });
			throw error;
		}
	}
};
