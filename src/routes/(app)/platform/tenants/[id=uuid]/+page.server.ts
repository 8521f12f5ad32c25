import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { isActive, startActingAs, stopActingAs } from '$lib/server/auth/act-as';
import { requireRole } from '$lib/server/auth/guards';
import { writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/forms';
import { tenantOverview } from '$lib/server/tenants/overview';
import { getTenant } from '$lib/server/tenants/tenants';
import { m } from '$lib/paraglide/messages';
import { actAsSchema } from './schema';

/**
 * Drill-down: the platform admin sees a tenant as its manager would, read-only (the transaction
 * itself is READ ONLY), and every look is written to that tenant's audit log first. Changing
 * anything in the tenant takes an "act as tenant" grant, started and stopped here.
 */
export const load: PageServerLoad = async ({ locals, params, url, getClientAddress }) => {
	const { user, tenantId } = requireRole(locals, ['platform_admin'], url);
	const found = await withTenant(tenantId, async (tx) => {
		const tenant = await getTenant(tx, params.id);
		if (tenant) {
			await writeAudit(tx, {
				tenantId: tenant.id,
				actor: { userId: user.id, name: user.name, ip: getClientAddress() },
				action: 'platform.drilldown',
				target: tenant.slug,
				detail: { path: url.pathname }
			});
		}
		return tenant;
	});
	if (!found) error(404, 'Not found');
	const overview = await withTenant(found.id, (tx) => tenantOverview(tx, found.id), {
		readOnly: true
	});
	if (!overview) error(404, 'Not found');
	const grant =
		isActive(locals.actingAs) && locals.actingAs.tenantId === found.id
			? { until: locals.actingAs.until.toISOString() }
			: null;
	return { overview, grant, isPlatform: found.id === tenantId };
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
