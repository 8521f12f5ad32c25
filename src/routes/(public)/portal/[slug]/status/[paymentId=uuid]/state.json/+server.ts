import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { publicTenant } from '$lib/server/self-service/tenant';
import { portalStatus } from '../portal-status';

/** What the portal's status page polls: the payment, then whether the device is online. */
export const GET: RequestHandler = async ({ params }) => {
	const tenant = await publicTenant(params.slug);
	const status = tenant ? await portalStatus(tenant.id, params.paymentId) : null;
	if (!status)
		return json(
			{ message: 'No such payment' },
			{ status: 404, headers: { 'cache-control': 'no-store' } }
		);
	return json(
		{ ...status.state, login: status.login, connection: status.connection },
		{ headers: { 'cache-control': 'no-store' } }
	);
};
