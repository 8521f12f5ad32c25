import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { publicTenant } from '$lib/server/self-service/tenant';
import { readPublicPayment } from '$lib/server/self-service/payment-state';

/** What the status page polls: {status, reason, receipt, expiresAt, …}. */
export const GET: RequestHandler = async ({ params }) => {
	const tenant = await publicTenant(params.slug);
	const found = tenant ? await readPublicPayment(tenant.id, params.paymentId, 'pay') : null;
	if (!found)
		return json(
			{ message: 'No such payment' },
			{ status: 404, headers: { 'cache-control': 'no-store' } }
		);
	return json(found.state, { headers: { 'cache-control': 'no-store' } });
};
