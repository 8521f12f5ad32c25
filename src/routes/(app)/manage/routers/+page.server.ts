import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { createRouter } from '$lib/server/network/routers';
import { listRouterSummaries } from '$lib/server/network/views';
import { isUniqueViolation } from '$lib/server/db/errors';
import { m } from '$lib/paraglide/messages';
import { refusedAddress, routerSchema } from './schema';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	return { routers: await withTenant(tenantId, (tx) => listRouterSummaries(tx, tenantId)) };
};

export const actions: Actions = {
	create: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(routerSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const refused = await refusedAddress(parsed.data.host, parsed.data.port, form);
		if (refused) return refused;
		let router;
		try {
			router = await withTenant(tenantId, async (tx) => {
				const { noPassword: _, ...input } = parsed.data;
				const router = await createRouter(tx, tenantId, input);
				await writeAudit(tx, {
					tenantId,
					actor: auditActor(user, getClientAddress()),
					action: 'router.create',
					target: router.name,
					detail: {
						routerId: router.id,
						host: router.host,
						port: router.port,
						tls: router.tls,
						username: router.username
					}
				});
				return router;
			});
		} catch (error) {
			if (isUniqueViolation(error, 'routers_tenant_name_key'))
				return formFailure(400, form, m.error_check_form(), { name: m.error_router_name_taken() });
			throw error;
		}
		// Straight to its page, where "Test connection" is the next thing to do.
		redirect(303, `/manage/routers/${router.id}`);
	}
};
