import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { paymentCounts } from '$lib/server/payments/manage';
import { tenantOverview } from '$lib/server/tenants/overview';

import { notFound } from '$lib/server/http/not-found';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const { overview, payments } = await withTenant(tenantId, async (tx) => ({
		overview: await tenantOverview(tx, tenantId),
		payments: await paymentCounts(tx, tenantId)
	}));
	if (!overview) notFound();
	return {
		overview,
		payments: {
			pending: payments.pending,
			unmatched: payments.unmatched,
			flagged: payments.flagged
		}
	};
};
