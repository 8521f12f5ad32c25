import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { MANAGERS, STAFF, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant, type Tx } from '$lib/server/db';
import { listPackages } from '$lib/server/network/packages';
import { getRouter } from '$lib/server/network/routers';
import {
	NotInTenant,
	SubscriberHasHistory,
	deleteSubscriber,
	getSubscriber,
	setSuspended,
	updateSubscriber,
	type Subscriber
} from '$lib/server/network/subscribers';
import { renewSubscription } from '$lib/server/billing/renewals';
import { listRouterSummaries } from '$lib/server/network/views';
import { editSubscriber } from './edit';
import { failingHeadJob } from '$lib/server/network/jobs';
import { getSubscriberView, listJobViews } from '$lib/server/network/views';
import { decryptSecret } from '$lib/server/security/secrets';
import { m } from '$lib/paraglide/messages';
import { routerStateOf } from '$lib/server/network/live-router-state';
import { recordCash, reverseEntry, sendPrompt } from './wallet-forms';
import { walletView } from '$lib/server/payments/staff-wallet';
import { notFound } from '$lib/server/http/not-found';

const isManager = (role: string) => (MANAGERS as readonly string[]).includes(role);

export const load: PageServerLoad = async ({ locals, params, url, request }) => {
	const { user, tenantId } = requireRole(locals, STAFF, url);
	const manager = isManager(user.role);
	const view = await withTenant(tenantId, async (tx) => {
		const subscriber = await getSubscriberView(tx, params.id);
		// An agent sees the subscribers they registered, nobody else's.
		if (!subscriber || (!manager && subscriber.registeredBy !== user.id)) return null;
		const router = subscriber.routerId ? await getRouter(tx, subscriber.routerId) : undefined;
		return {
			subscriber,
			router,
			jobs: manager ? await listJobViews(tx, { subscriberId: subscriber.id, limit: 10 }) : [],
			// This subscriber's router changes may be queued behind another failing one on the router.
			blockedBy:
				manager && router ? ((await failingHeadJob(tx, router.id))?.lastError ?? null) : null,
			// Agents need them too: they send M-Pesa prompts for a package.
			packages: (await listPackages(tx, { activeOnly: true, tenantId: subscriber.tenantId }))
				.filter((p) => p.kind === subscriber.kind)
				.map((p) => ({
					id: p.id,
					name: p.name,
					priceKes: p.priceKes,
					validityUnit: p.validityUnit,
					validityCount: p.validityCount
				})),
			wallet: await walletView(tx, subscriber, user, url.searchParams.get('payment')),
			// What the edit form offers: the subscriber's own tenant's routers and packages, both kinds.
			editChoices: manager
				? {
						// A retired router takes no one new; the subscriber's own still shows as the current choice.
						routers: (await listRouterSummaries(tx, subscriber.tenantId))
							.filter((r) => !r.retiredAt || r.id === subscriber.routerId)
							.map((r) => ({ id: r.id, name: r.name })),
						packages: (
							await listPackages(tx, { activeOnly: true, tenantId: subscriber.tenantId })
						).map((p) => ({ id: p.id, name: p.name, kind: p.kind }))
					}
				: null
		};
	});
	if (!view) notFound();
	const { subscriber, router, jobs, blockedBy, packages, wallet, editChoices } = view;
	return {
		subscriber,
		editChoices,
		jobs,
		blockedBy,
		packages,
		wallet,
		manager,
		// Streamed: the page shows at once, and the router's answer (or its silence) follows. After a
		// form post it is awaited instead: SvelteKit answers a streamed page with 200, and a refused
		// form must keep its 400 when the browser runs no JavaScript.
		routerState:
			request.method === 'POST'
				? await routerStateOf(router, subscriber)
				: routerStateOf(router, subscriber)
	};
};

/** Runs one manager change on a visible subscriber, audits it, and comes back to the page. */
async function change(
	event: RequestEvent,
	action: string,
	apply: (tx: Tx, subscriber: Subscriber) => Promise<Subscriber | undefined>,
	detail: Record<string, unknown> = {}
) {
	const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
	const outcome = await withTenant(tenantId, async (tx) => {
		const before = await getSubscriber(tx, event.params.id);
		if (!before) return 'missing' as const;
		const after = await apply(tx, before);
		if (!after) return 'missing' as const;
		await writeAudit(tx, {
			tenantId: after.tenantId,
			actor: auditActor(user, event.getClientAddress()),
			action,
			target: `${after.accountNumber} ${after.name}`,
			detail: {
				subscriberId: after.id,
				status: after.status,
				expiresAt: after.expiresAt?.toISOString() ?? null,
				...detail
			}
		});
		return 'done' as const;
	});
	if (outcome === 'missing') notFound();
	redirect(303, `/manage/subscribers/${event.params.id}`);
}

export const actions: Actions = {
	/** "Activate" for a new subscriber, "Renew now" after: buys the current package without a payment. */
	renew: async (event) => {
		const { tenantId } = requireRole(event.locals, MANAGERS, event.url);
		const current = await withTenant(tenantId, (tx) => getSubscriber(tx, event.params.id));
		if (!current) notFound();
		if (!current.packageId) return fail(400, { message: m.error_no_package() });
		return change(
			event,
			current.status === 'pending' ? 'subscriber.activate' : 'subscriber.renew',
			(tx, s) => renewSubscription(tx, s.id),
			{ packageId: current.packageId }
		);
	},
	suspend: (event) => change(event, 'subscriber.suspend', (tx, s) => setSuspended(tx, s.id, true)),
	resume: (event) => change(event, 'subscriber.resume', (tx, s) => setSuspended(tx, s.id, false)),
	changePackage: async (event) => {
		const { tenantId } = requireRole(event.locals, MANAGERS, event.url);
		const packageId = String((await event.request.formData()).get('packageId') ?? '');
		const current = await withTenant(tenantId, (tx) => getSubscriber(tx, event.params.id));
		if (!current) notFound();
		const allowed = await withTenant(tenantId, (tx) =>
			listPackages(tx, { activeOnly: true, tenantId: current.tenantId })
		);
		const chosen = allowed.find((p) => p.id === packageId);
		if (!chosen) return fail(400, { message: m.error_choose() });
		if (chosen.kind !== current.kind) return fail(400, { message: m.error_package_kind() });
		try {
			return await change(
				event,
				'subscriber.package',
				(tx, s) => updateSubscriber(tx, s.id, { packageId }),
				{ packageId, packageName: chosen.name }
			);
		} catch (e) {
			if (e instanceof NotInTenant) return fail(400, { message: m.error_choose() });
			throw e;
		}
	},
	edit: editSubscriber,
	delete: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const deleted = await withTenant(tenantId, async (tx) => {
			const row = await deleteSubscriber(tx, params.id).catch((e) => {
				if (e instanceof SubscriberHasHistory) return 'history' as const;
				throw e;
			});
			if (row === 'history') return row;
			if (row) {
				await writeAudit(tx, {
					tenantId: row.tenantId,
					actor: auditActor(user, getClientAddress()),
					action: 'subscriber.delete',
					target: `${row.accountNumber} ${row.name}`,
					detail: { subscriberId: row.id, phone: row.phone }
				});
			}
			return row;
		});
		if (!deleted) notFound();
		if (deleted === 'history') return fail(400, { message: m.subscriber_delete_has_history() });
		redirect(303, '/manage/subscribers');
	},
	/** The router password, decrypted only when a manager asks, and the asking is recorded. */
	reveal: async ({ locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const password = await withTenant(tenantId, async (tx) => {
			const row = await getSubscriber(tx, params.id);
			if (!row) return null;
			await writeAudit(tx, {
				tenantId: row.tenantId,
				actor: auditActor(user, getClientAddress()),
				action: 'subscriber.password_view',
				target: `${row.accountNumber} ${row.name}`
			});
			return decryptSecret(row.routerPasswordEnc);
		});
		if (password === null) notFound();
		return { revealed: password };
	},
	cash: recordCash,
	reverse: reverseEntry,
	prompt: sendPrompt
};
