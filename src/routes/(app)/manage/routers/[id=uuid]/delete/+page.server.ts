import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { RouterNotOpen } from '$lib/server/network/routers';
import {
	RouterInUse,
	deletable,
	deleteAndAudit,
	openRouters,
	retireAndAudit,
	routerDependants
} from '$lib/server/network/router-retirement';
import { routerNotOpenMessage } from '$lib/server/network/router-failure-messages';
import { getRouterSummary, listJobViews } from '$lib/server/network/views';
import { m } from '$lib/paraglide/messages';
import { moveSchema } from '../retire/schema';
import { notFound } from '$lib/server/http/not-found';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const view = await withTenant(tenantId, async (tx) => {
		const router = await getRouterSummary(tx, params.id);
		if (!router) return null;
		const dependants = await routerDependants(tx, router.id);
		return {
			router,
			dependants,
			deletable: deletable(dependants),
			targets: await openRouters(tx, tenantId, router.id),
			jobs:
				dependants.openJobs > 0 ? await listJobViews(tx, { routerId: router.id, limit: 10 }) : []
		};
	});
	if (!view) notFound();
	return view;
};

export const actions: Actions = {
	/** The first step when subscribers are on it: move them all and retire it, so none comes back meanwhile. */
	move: async ({ request, locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(moveSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		let done;
		try {
			done = await withTenant(tenantId, (tx) =>
				retireAndAudit(
					tx,
					params.id,
					{ step: 'move-before-delete', toRouterId: parsed.data.moveTo },
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
		redirect(
			303,
			`/manage/routers/${params.id}/delete?moved=${done.outcome.moved}&to=${parsed.data.moveTo}`
		);
	},

	delete: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		let deleted;
		try {
			deleted = await withTenant(tenantId, (tx) =>
				deleteAndAudit(tx, params.id, auditActor(user, getClientAddress()))
			);
		} catch (failure) {
			// Something came to depend on it since the page was shown: the page says what.
			if (failure instanceof RouterInUse) return { blocked: true };
			throw failure;
		}
		if (!deleted) notFound();
		redirect(303, `/manage/routers?deleted=1`);
	}
};
