import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { countFailedJobs } from '$lib/server/network/views';
import { paymentCounts } from '$lib/server/payments/manage';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	return withTenant(tenantId, async (tx) => {
		const payments = await paymentCounts(tx, tenantId);
		return {
			failedJobs: await countFailedJobs(tx),
			paymentsWaiting: payments.unmatched + payments.flagged
		};
	});
};
