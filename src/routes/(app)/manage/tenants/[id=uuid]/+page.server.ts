import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { tenantOverview } from '$lib/server/tenants/overview';
import { notFound } from '$lib/server/http/not-found';

/** A reseller or site under this manager's tenant. Anything else is invisible, hence 404. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const overview = await withTenant(tenantId, (tx) => tenantOverview(tx, params.id));
	if (!overview) notFound();
	return { overview };
};
