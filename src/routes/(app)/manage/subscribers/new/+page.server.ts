import { redirect } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import type { Actions, PageServerLoad } from './$types';
import { STAFF, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant, type Tx } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { getPackage, listPackages } from '$lib/server/network/packages';
import { listRouterSummaries } from '$lib/server/network/views';
import {
	NotInTenant,
	SubscriberConflict,
	registerSubscriber
} from '$lib/server/network/subscribers';
import { RouterNotOpen } from '$lib/server/network/routers';
import { m } from '$lib/paraglide/messages';
import { registerSchema } from './schema';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, STAFF, url);
	// A subscriber belongs to the signed-in tenant, so its router and package must be that tenant's own.
	return withTenant(tenantId, async (tx) => ({
		routers: (await listRouterSummaries(tx, tenantId, { openOnly: true })).map((r) => ({
			id: r.id,
			name: r.name
		})),
		packages: (await listPackages(tx, { activeOnly: true, tenantId })).map((p) => ({
			id: p.id,
			name: p.name,
			kind: p.kind,
			priceKes: p.priceKes,
			validityUnit: p.validityUnit,
			validityCount: p.validityCount
		})),
		clientRef: randomUUID()
	}));
};

/** The router a new subscriber goes on when nobody has to choose: the tenant's only one in service. */
async function onlyOpenRouter(tx: Tx, tenantId: string): Promise<string | null> {
	const open = await listRouterSummaries(tx, tenantId, { openOnly: true });
	return open.length === 1 ? open[0]!.id : null;
}

export const actions: Actions = {
	default: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, STAFF, url);
		const form = await request.formData();
		const parsed = parseForm(registerSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const input = parsed.data;
		const outcome = await withTenant(
			tenantId,
			async (tx): Promise<{ id: string } | { field: string; message: string }> => {
				const pkg = await getPackage(tx, input.packageId);
				if (!pkg || pkg.tenantId !== tenantId || !pkg.active)
					return { field: 'packageId', message: m.error_choose() };
				if (pkg.kind !== input.kind) return { field: 'packageId', message: m.error_package_kind() };
				const routerId = input.routerId ?? (await onlyOpenRouter(tx, tenantId));
				if (!routerId) return { field: 'routerId', message: m.error_choose() };
				try {
					const registration = {
						tenantId,
						name: input.name,
						phone: input.phone,
						kind: input.kind,
						routerId,
						packageId: input.packageId,
						registeredBy: user.id,
						latitude: input.latitude,
						longitude: input.longitude,
						clientRef: input.clientRef ?? null
					};
					let { subscriber, created } = await registerSubscriber(tx, registration);
					// The same form submitted twice is one registration. A page restored by the Back button
					// carries the old key with a new customer in it: that one is a registration of its own.
					if (!created && (subscriber.phone !== input.phone || subscriber.name !== input.name)) {
						({ subscriber, created } = await registerSubscriber(tx, {
							...registration,
							clientRef: null
						}));
					}
					if (created) {
						await writeAudit(tx, {
							tenantId,
							actor: auditActor(user, getClientAddress()),
							action: 'subscriber.register',
							target: `${subscriber.accountNumber} ${subscriber.name}`,
							detail: {
								subscriberId: subscriber.id,
								packageId: subscriber.packageId,
								routerId: subscriber.routerId
							}
						});
					}
					return { id: subscriber.id };
				} catch (error) {
					if (error instanceof NotInTenant)
						return { field: error.field, message: m.error_choose() };
					if (error instanceof RouterNotOpen)
						return { field: 'routerId', message: m.error_router_retired() };
					if (error instanceof SubscriberConflict)
						return { field: 'name', message: m.error_generic() };
					throw error;
				}
			}
		);
		if ('field' in outcome)
			return formFailure(400, form, m.error_check_form(), { [outcome.field]: outcome.message });
		redirect(303, `/manage/subscribers/${outcome.id}`);
	}
};
