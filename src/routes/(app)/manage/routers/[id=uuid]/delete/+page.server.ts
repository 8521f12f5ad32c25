import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/forms';
import { RouterNotOpen } from '$lib/server/network/routers';
import {
	RouterInUse,
	deletable,
	deleteRouter,
	moveSubscribersAndRetire,
	openRouters,
	routerDependants
} from '$lib/server/network/router-retirement';
import { getRouterSummary, listJobViews } from '$lib/server/network/views';
import { m } from '$lib/paraglide/messages';
import { moveSchema } from '../retire/schema';

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
	if (!view) error(404, 'Not found');
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
			done = await withTenant(tenantId, async (tx) => {
				const result = await moveSubscribersAndRetire(tx, params.id, parsed.data.moveTo);
				if (!result) return null;
				await writeAudit(tx, {
					tenantId: result.router.tenantId,
					actor: { userId: user.id, name: user.name, ip: getClientAddress() },
					action: 'router.move_subscribers',
					target: result.router.name,
					detail: {
						routerId: result.router.id,
						moved: result.outcome.moved,
						movedToId: parsed.data.moveTo
					}
				});
				return result;
			});
		} catch (failure) {
			if (failure instanceof RouterNotOpen) {
				return formFailure(400, form, m.error_check_form(), {
					moveTo:
						failure.reason === 'same'
							? m.error_router_same()
							: failure.reason === 'retired'
								? m.error_router_retired()
								: m.error_choose()
				});
			}
			throw failure;
		}
		if (!done) error(404, 'Not found');
		redirect(
			303,
			`/manage/routers/${params.id}/delete?moved=${done.outcome.moved}&to=${parsed.data.moveTo}`
		);
	},

	delete: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		let deleted;
		try {
			deleted = await withTenant(tenantId, async (tx) => {
				const router = await deleteRouter(tx, params.id);
				if (router) {
					await writeAudit(tx, {
						tenantId: router.tenantId,
						actor: { userId: user.id, name: user.name, ip: getClientAddress() },
						action: 'router.delete',
						target: router.name,
						detail: { routerId: router.id, host: router.host, port: router.port }
					});
				}
				return router;
			});
		} catch (failure) {
			// Something came to depend on it since the page was shown: the page says what.
			if (failure instanceof RouterInUse) return { blocked: true };
			throw failure;
		}
		if (!deleted) error(404, 'Not found');
		redirect(303, `/manage/routers?deleted=1`);
	}
};
