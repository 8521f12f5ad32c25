import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { MANAGERS, STAFF, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { paymentStatus } from '$lib/server/payments/stk';
import { paymentReason } from '$lib/components/payments/labels';
import { notFound } from '$lib/server/http/not-found';

/**
 * Where a prompt stands, for the page that sent it to poll every couple of seconds. An agent sees
 * only the prompts they sent; a manager any payment of the network.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const { user, tenantId } = requireRole(locals, STAFF, url);
	const payment = await withTenant(tenantId, (tx) => paymentStatus(tx, params.id));
	const manager = (MANAGERS as readonly string[]).includes(user.role);
	if (!payment || (!manager && payment.initiatedBy !== user.id)) notFound();
	return json(
		{
			status: payment.status,
			resultCode: payment.resultCode,
			reason: paymentReason(payment),
			receipt: payment.receipt,
			amountKes: payment.amountKes
		},
		{ headers: { 'cache-control': 'no-store' } }
	);
};
