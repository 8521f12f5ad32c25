import type { PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { listVisibleTenants } from '$lib/server/tenants/tenants';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, ['platform_admin'], url);
	const tenants = await withTenant(tenantId, (tx) => listVisibleTenants(tx));
	return { tenants: tenants.filter((t) => t.kind !== 'platform') };
};
