import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { countFailedJobs } from '$lib/server/network/views';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	return { failedJobs: await withTenant(tenantId, (tx) => countFailedJobs(tx)) };
};
