import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { createPackage, listPackages } from '$lib/server/network/packages';
import { isUniqueViolation } from '$lib/server/db/errors';
import { m } from '$lib/paraglide/messages';
import { newPackageSchema } from './schema';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	return { packages: await withTenant(tenantId, (tx) => listPackages(tx, { tenantId })) };
};

export const actions: Actions = {
	create: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(newPackageSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		try {
			const pkg = await withTenant(tenantId, async (tx) => {
				const pkg = await createPackage(tx, tenantId, parsed.data);
				await writeAudit(tx, {
					tenantId,
					actor: auditActor(user, getClientAddress()),
					action: 'package.create',
					target: pkg.name,
					detail: {
						packageId: pkg.id,
						priceKes: pkg.priceKes,
						validity: `${pkg.validityCount} ${pkg.validityUnit}`,
						rateLimit: pkg.rateLimit
					}
				});
				return pkg;
			});
			return { created: { id: pkg.id, name: pkg.name } };
		} catch (error) {
			if (isUniqueViolation(error, 'packages_tenant_name_key'))
				return formFailure(400, form, m.error_check_form(), { name: m.error_package_name_taken() });
			throw error;
		}
	}
};
