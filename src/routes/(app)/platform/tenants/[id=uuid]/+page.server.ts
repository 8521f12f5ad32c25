import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth/guards';
import { writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { tenantOverview } from '$lib/server/tenants/overview';
import { getTenant } from '$lib/server/tenants/tenants';

/**
 * Drill-down: the platform admin sees a tenant as its manager would, read-only (the transaction
 * itself is READ ONLY), and every look is written to that tenant's audit log first.
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
	const overview = await withTenant(found.id, (tx) => tenantOverview(tx, found.id), { readOnly: true });
	if (!overview) error(404, 'Not found');
	return { overview };
};
