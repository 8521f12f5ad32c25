import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { paymentCounts } from '$lib/server/payments/manage';
import { tenantOverview } from '$lib/server/tenants/overview';
import { error } from '@sveltejs/kit';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const { overview, payments } = await withTenant(tenantId, async (tx) => ({
		overview: await tenantOverview(tx, tenantId),
		payments: await paymentCounts(tx, tenantId)
	}));
	if (!overview) error(404, 'Not found');
	return {
		overview,
		payments: {
			pending: payments.pending,
			unmatched: payments.unmatched,
			flagged: payments.flagged
		}
	};
};
