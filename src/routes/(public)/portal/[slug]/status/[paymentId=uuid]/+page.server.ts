import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { allowFormTarget } from '$lib/server/http/content-security';
import { m } from '$lib/paraglide/messages';
import { tenantOr404 } from '$lib/server/self-service/public-pages';
import { portalStatus } from './portal-status';

export const load: PageServerLoad = async ({ params, setHeaders, locals }) => {
	const tenant = await tenantOr404(params.slug);
	const status = await portalStatus(tenant.id, params.paymentId);
	if (!status) error(404, m.pay_unknown_payment());
	// It carries the hotspot password once paid: no cache keeps it.
	setHeaders({ 'cache-control': 'no-store' });
	allowFormTarget(locals, status.connection?.linkLoginOnly);
	return status;
};

export const actions = {
	/** "Try again" after the router would not let the device in. */
	connect: async ({ params }) => {
		const tenant = await tenantOr404(params.slug);
		const status = await portalStatus(tenant.id, params.paymentId, { retryLogin: true });
		if (!status) error(404, m.pay_unknown_payment());
		redirect(303, `/portal/${tenant.slug}/status/${params.paymentId}`);
	}
} satisfies Actions;
