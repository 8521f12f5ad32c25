import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { publicUrl } from '$lib/server/config';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { reconcileAndAudit } from '$lib/server/network/reconcile';
import { RouterCertificateChanged } from '$lib/server/network/routeros/client';
import { onboardingScript } from '$lib/server/network/routeros/onboarding-script';
import {
	CERTIFICATE_FINGERPRINT,
	getRouter,
	routerTarget,
	testRouter,
	trustCertificate,
	updateRouter
} from '$lib/server/network/routers';
import { getRouterSummary, listJobViews } from '$lib/server/network/views';
import { reactivateRouter } from '$lib/server/network/router-retirement';
import { isUuid } from '$lib/uuid';
import { isUniqueViolation } from '$lib/server/db/errors';
import { getTenant } from '$lib/server/tenants/tenants';
import { m } from '$lib/paraglide/messages';
import { routerErrorMessage } from '$lib/server/network/router-failure-messages';
import { refusedAddress, routerSchema } from '../schema';
import { foundOrNotFound, notFound } from '$lib/server/http/not-found';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const view = await withTenant(tenantId, async (tx) => {
		const router = await getRouterSummary(tx, params.id);
		if (!router) return null;
		// After a retirement that moved its subscribers: the router they went to, by name (this tenant's only).
		const to = url.searchParams.get('to');
		const movedTo = to && isUuid(to) ? ((await getRouterSummary(tx, to))?.name ?? null) : null;
		return { router, movedTo, jobs: await listJobViews(tx, { routerId: router.id, limit: 10 }) };
	});
	if (!view) notFound();
	return view;
};

export const actions: Actions = {
	/** Connects with the stored credentials on a connection of its own and says what happened. */
	test: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const tested = foundOrNotFound(
			await testRouter(tenantId, params.id, auditActor(user, getClientAddress()))
		);
		if (!tested.ok) {
			const { failure } = tested;
			const presented = failure instanceof RouterCertificateChanged ? failure.presented : null;
			return { testFailed: routerErrorMessage(failure), presentedCertificate: presented };
		}
		const { info, certificate, pinned } = tested;
		return {
			tested: {
				identity: info.identity,
				version: info.version,
				uptime: info.uptime,
				boardName: info.boardName,
				certificate,
				pinned
			}
		};
	},

	/** The manager accepts the certificate the router now presents (after a change was refused). */
	trustCertificate: async ({ request, locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const fingerprint = String((await request.formData()).get('fingerprint') ?? '')
			.trim()
			.toUpperCase();
		if (!CERTIFICATE_FINGERPRINT.test(fingerprint))
			return fail(400, { testFailed: m.router_certificate_invalid(), presentedCertificate: null });
		const trusted = await withTenant(tenantId, async (tx) => {
			const before = await getRouter(tx, params.id);
			if (!before) return null;
			const router = await trustCertificate(tx, before.id, fingerprint);
			await writeAudit(tx, {
				tenantId: before.tenantId,
				actor: auditActor(user, getClientAddress()),
				action: 'router.trust_certificate',
				target: before.name,
				detail: { previous: before.tlsFingerprint, fingerprint }
			});
			return router;
		});
		if (!trusted) notFound();
		redirect(303, `/manage/routers/${params.id}?trusted=1`);
	},

	edit: async ({ request, locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(routerSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const refused = await refusedAddress(parsed.data.host, parsed.data.port, form);
		if (refused) return refused;
		// A blank password field keeps the stored password, unless "no password" is ticked.
		const { password: typed, noPassword, ...rest } = parsed.data;
		const password = noPassword ? '' : typed === '' ? undefined : typed;
		let updated;
		try {
			updated = await withTenant(tenantId, async (tx) => {
				const router = await updateRouter(tx, params.id, { ...rest, password });
				if (router) {
					await writeAudit(tx, {
						tenantId: router.tenantId,
						actor: auditActor(user, getClientAddress()),
						action: 'router.update',
						target: router.name,
						detail: {
							host: router.host,
							port: router.port,
							tls: router.tls,
							username: router.username,
							hotspotServer: router.hotspotServer,
							passwordChanged: password !== undefined
						}
					});
				}
				return router;
			});
		} catch (e) {
			if (isUniqueViolation(e, 'routers_tenant_name_key'))
				return formFailure(400, form, m.error_check_form(), { name: m.error_router_name_taken() });
			throw e;
		}
		if (!updated) notFound();
		redirect(303, `/manage/routers/${params.id}?saved=1`);
	},

	/** Back in service after a retirement. */
	reactivate: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const router = await withTenant(tenantId, async (tx) => {
			const router = await reactivateRouter(tx, params.id);
			if (router) {
				await writeAudit(tx, {
					tenantId: router.tenantId,
					actor: auditActor(user, getClientAddress()),
					action: 'router.reactivate',
					target: router.name,
					detail: { routerId: router.id }
				});
			}
			return router;
		});
		if (!router) notFound();
		redirect(303, `/manage/routers/${params.id}?reactivated=1`);
	},

	/** Repairs drift between the router and the database now, and shows what changed. */
	reconcile: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const router = await withTenant(tenantId, (tx) => getRouterSummary(tx, params.id));
		if (!router) notFound();
		if (router.retiredAt) return { reconcileFailed: m.router_not_in_service() };
		const outcome = foundOrNotFound(
			await reconcileAndAudit(tenantId, router, auditActor(user, getClientAddress()))
		);
		if (!outcome.ok) return { reconcileFailed: routerErrorMessage(outcome.failure) };
		return { report: outcome.report };
	},

	/**
	 * The script holds the API password (it creates that account on the router), so it is made
	 * only when a manager asks, never sent with the page, and the asking is recorded.
	 */
	script: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const found = await withTenant(tenantId, async (tx) => {
			const router = await getRouter(tx, params.id);
			return router ? { router, tenant: await getTenant(tx, router.tenantId) } : null;
		});
		if (!found) notFound();
		const { router, tenant } = found;
		const target = routerTarget(router);
		if (target.password.length < 12) return { scriptFailed: m.router_script_password_short() };
		let script: string;
		try {
			script = onboardingScript({
				apiUser: router.username,
				apiPassword: target.password,
				billingHost: new URL(publicUrl()).hostname,
				portalUrl: `${publicUrl()}/portal/${tenant?.slug ?? ''}`,
				apiPort: router.port,
				apiTls: router.tls,
				hotspotServer: router.hotspotServer === 'all' ? undefined : router.hotspotServer
			});
		} catch (failure) {
			return {
				scriptFailed: m.router_script_failed({
					reason: failure instanceof Error ? failure.message : String(failure)
				})
			};
		}
		await withTenant(tenantId, (tx) =>
			writeAudit(tx, {
				tenantId: router.tenantId,
				actor: auditActor(user, getClientAddress()),
				action: 'router.script_view',
				target: router.name
			})
		);
		return { script };
	}
};
