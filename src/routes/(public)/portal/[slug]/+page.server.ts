import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { withTenant } from '$lib/server/db';
import { publicUrl } from '$lib/server/config';
import { allowFormTarget } from '$lib/server/http/content-security';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { deviceRecord, portalDevice } from '$lib/server/self-service/device';
import {
	PortalRefused,
	hotspotPackages,
	portalPurchase,
	portalRouterId
} from '$lib/server/self-service/portal';
import { problemMessage } from '$lib/payments/problem-messages';
import { m } from '$lib/paraglide/messages';
import {
	clientAddress,
	promptLimitMessage,
	tenantOr404
} from '$lib/server/self-service/public-pages';
import { buySchema } from './schema';

/** MikroTik's login page sends the customer here with the device in the query string. */
export const load: PageServerLoad = async ({ params, url, locals }) => {
	const tenant = await tenantOr404(params.slug);
	const router = url.searchParams.get('router') ?? '';
	const { packages, ready } = await withTenant(tenant.id, async (tx) => ({
		packages: await hotspotPackages(tx, tenant.id),
		ready: (await portalRouterId(tx, tenant.id, router)) !== null
	}));
	const device = portalDevice((name) => url.searchParams.get(name));
	allowFormTarget(locals, device.linkLoginOnly);
	return { packages, ready, device, router: /^[0-9a-f-]{36}$/i.test(router) ? router : '' };
};

/** A phone and a tapped package → the hotspot subscriber for that phone, an M-Pesa prompt, the status page. */
async function buy(event: RequestEvent) {
	const tenant = await tenantOr404(event.params.slug);
	const form = await event.request.formData();
	// A login page that posts its variables instead of linking (same site only: SvelteKit refuses
	// cross-site form posts) lands here with no phone yet: show the packages for that device.
	if (!form.has('phone') && !form.has('packageId')) {
		const device = portalDevice((name) => form.get(name)?.toString());
		allowFormTarget(event.locals, device.linkLoginOnly);
		return { device };
	}
	const parsed = parseForm(buySchema, form, m.error_check_form());
	if (!parsed.ok) return parsed.failure;
	const { phone, packageId, router } = parsed.data;
	const device = {
		mac: parsed.data.mac,
		ip: parsed.data.ip,
		linkLoginOnly: parsed.data['link-login-only'],
		linkOrig: parsed.data['link-orig']
	};
	let outcome;
	try {
		outcome = await portalPurchase({
			tenantId: tenant.id,
			phone,
			packageId,
			routerId: router || null,
			device: deviceRecord(device),
			clientAddress: clientAddress(event),
			callbackBase: publicUrl()
		});
	} catch (error) {
		if (!(error instanceof PortalRefused)) throw error;
		if (error.reason === 'package')
			return formFailure(400, form, m.error_check_form(), {
				packageId: m.portal_error_choose_package()
			});
		return formFailure(
			error.reason === 'suspended' ? 403 : 503,
			form,
			problemMessage(error.reason === 'suspended' ? 'suspended' : 'not-configured')
		);
	}
	if (outcome.ok) redirect(303, `/portal/${tenant.slug}/status/${outcome.paymentId}`);
	const { refusal } = outcome;
	if (refusal.kind === 'too-many') {
		const message = promptLimitMessage(refusal);
		return formFailure(429, form, message, refusal.limit === 'phone-day' ? { phone: message } : {});
	}
	if (refusal.kind === 'field') {
		const message =
			refusal.field === 'phone' ? m.portal_error_phone() : m.portal_error_choose_package();
		return formFailure(400, form, m.error_check_form(), { [refusal.field]: message });
	}
	return formFailure(refusal.status, form, problemMessage(refusal.problem));
}

export const actions = { default: buy } satisfies Actions;
