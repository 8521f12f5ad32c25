import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { getPackage, setPackageActive, updatePackage } from '$lib/server/network/packages';
import { isUniqueViolation } from '$lib/server/db/errors';
import { m } from '$lib/paraglide/messages';
import { dataCapRefusal, editPackageSchema } from '../schema';
import { notFound } from '$lib/server/http/not-found';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const pkg = await withTenant(tenantId, (tx) => getPackage(tx, params.id));
	if (!pkg) notFound();
	return { pkg };
};

async function setActive(active: boolean, { locals, params, url, getClientAddress }: RequestEvent) {
	const { user, tenantId } = requireRole(locals, MANAGERS, url);
	const pkg = await withTenant(tenantId, async (tx) => {
		const pkg = await setPackageActive(tx, params.id, active);
		if (pkg) {
			await writeAudit(tx, {
				tenantId: pkg.tenantId,
				actor: auditActor(user, getClientAddress()),
				action: active ? 'package.reactivate' : 'package.retire',
				target: pkg.name,
				detail: { packageId: pkg.id }
			});
		}
		return pkg;
	});
	if (!pkg) notFound();
	redirect(303, `/manage/packages/${params.id}`);
}

export const actions: Actions = {
	edit: async ({ request, locals, params, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(editPackageSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const current = await withTenant(tenantId, (tx) => getPackage(tx, params.id));
		if (!current) notFound();
		const capRefusal = dataCapRefusal(current.kind, parsed.data.dataCapMb);
		if (capRefusal) return formFailure(400, form, m.error_check_form(), { dataCapMb: capRefusal });
		let pkg;
		try {
			pkg = await withTenant(tenantId, async (tx) => {
				const pkg = await updatePackage(tx, params.id, parsed.data);
				if (pkg) {
					await writeAudit(tx, {
						tenantId: pkg.tenantId,
						actor: auditActor(user, getClientAddress()),
						action: 'package.update',
						target: pkg.name,
						detail: { packageId: pkg.id, ...parsed.data }
					});
				}
				return pkg;
			});
		} catch (e) {
			if (isUniqueViolation(e, 'packages_tenant_name_key'))
				return formFailure(400, form, m.error_check_form(), { name: m.error_package_name_taken() });
			throw e;
		}
		if (!pkg) notFound();
		return { saved: true };
	},
	retire: (event) => setActive(false, event),
	reactivate: (event) => setActive(true, event)
};
