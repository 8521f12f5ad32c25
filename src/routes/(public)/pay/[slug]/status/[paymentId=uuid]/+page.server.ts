import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { readPublicPayment } from '$lib/server/self-service/payment-state';
import { m } from '$lib/paraglide/messages';
import { tenantOr404 } from '$lib/server/self-service/public-pages';

export const load: PageServerLoad = async ({ params }) => {
	const tenant = await tenantOr404(params.slug);
	const found = await readPublicPayment(tenant.id, params.paymentId, 'pay');
	if (!found) error(404, m.pay_unknown_payment());
	return { state: found.state };
};
