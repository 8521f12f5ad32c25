import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { tenantOverview } from '$lib/server/tenants/overview';
import { error } from '@sveltejs/kit';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const overview = await withTenant(tenantId, (tx) => tenantOverview(tx, tenantId));
	if (!overview) error(404, 'Not found');
	return { overview };
};
