import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { RouterNotOpen } from '$lib/server/network/routers';
import {
	openRouters,
	retireAndAudit,
	routerDependants,
	type SubscriberFate
} from '$lib/server/network/router-retirement';
import { routerNotOpenMessage } from '$lib/server/network/router-failure-messages';
import { getRouterSummary } from '$lib/server/network/views';
import { m } from '$lib/paraglide/messages';
import { retireSchema } from './schema';
import { notFound } from '$lib/server/http/not-found';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const view = await withTenant(tenantId, async (tx) => {
		const router = await getRouterSummary(tx, params.id);
		if (!router) return null;
		return {
			router,
			dependants: await routerDependants(tx, router.id),
			targets: await openRouters(tx, tenantId, router.id)
		};
	});
	if (!view) notFound();
	// Already retired: nothing to confirm.
	if (view.router.retiredAt) redirect(303, `/manage/routers/${params.id}`);
	return view;
};

export const actions: Actions = {
	default: async ({ request, locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(retireSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const fate: SubscriberFate =
			parsed.data.fate === 'move'
				? { kind: 'move', routerId: parsed.data.moveTo! }
				: { kind: parsed.data.fate };
		let done;
		try {
			done = await withTenant(tenantId, (tx) =>
				retireAndAudit(
					tx,
					params.id,
					{ step: 'retire', fate },
					auditActor(user, getClientAddress())
				)
			);
		} catch (failure) {
			if (failure instanceof RouterNotOpen)
				return formFailure(400, form, m.error_check_form(), {
					moveTo: routerNotOpenMessage(failure)
				});
			throw failure;
		}
		if (!done) notFound();
		const { outcome } = done;
		const result =
			fate.kind === 'move'
				? `moved&count=${outcome.moved}&to=${fate.routerId}`
				: fate.kind === 'disable'
					? `disabled&count=${outcome.disabled}`
					: `left&count=${outcome.left}`;
		redirect(303, `/manage/routers/${params.id}?retired=${result}`);
	}
};
