import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { isActive, startActingAs, stopActingAs } from '$lib/server/auth/act-as';
import { requireRole } from '$lib/server/auth/guards';
import { auditActor } from '$lib/server/audit';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { foundOrNotFound } from '$lib/server/http/not-found';
import { drilldown } from '$lib/server/tenants/overview';
import { m } from '$lib/paraglide/messages';
import { actAsSchema } from './schema';

/**
 * Drill-down: the platform admin sees a tenant as its manager would, read-only (the transaction
 * itself is READ ONLY), and every look is written to that tenant's audit log first. Changing
 * anything in the tenant takes an "act as tenant" grant, started and stopped here.
 */
export const load: PageServerLoad = async ({ locals, params, url, getClientAddress }) => {
	const { user, tenantId } = requireRole(locals, ['platform_admin'], url);
	const overview = foundOrNotFound(
		await drilldown(tenantId, params.id, auditActor(user, getClientAddress()), url.pathname)
	);
	const grant =
		isActive(locals.actingAs) && locals.actingAs.tenantId === params.id
			? { until: locals.actingAs.until.toISOString() }
			: null;
	return { overview, grant, isPlatform: params.id === tenantId };
};

export const actions: Actions = {
	actAs: async ({ request, locals, params, url, getClientAddress }) => {
		const { user } = requireRole(locals, ['platform_admin'], url);
		const form = await request.formData();
		const parsed = parseForm(actAsSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		if (!locals.session) redirect(303, '/login');
		const started = await startActingAs({
			admin: user,
			sessionId: locals.session.id,
			tenantId: params.id,
			reason: parsed.data.reason,
			ip: getClientAddress()
		});
		if (!started.ok) return formFailure(400, form, m.act_as_unknown_tenant());
		redirect(303, '/manage');
	},
	stopActing: async ({ locals, params, url, getClientAddress }) => {
		const { user } = requireRole(locals, ['platform_admin'], url);
		if (locals.session)
			await stopActingAs({
				admin: user,
				sessionId: locals.session.id,
				cause: 'stopped',
				ip: getClientAddress()
			});
		redirect(303, `/platform/tenants/${params.id}`);
	}
};
