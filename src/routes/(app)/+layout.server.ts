import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';
import { grantTenantName } from '$lib/server/auth/act-as';
import { homeFor, requireUser } from '$lib/server/auth/guards';
import { takeLoginNotice } from '$lib/server/auth/login-notice';
import { withTenant } from '$lib/server/db';
import { getTenant } from '$lib/server/tenants/tenants';
import { config } from '$lib/server/config';

export const load: LayoutServerLoad = async ({ locals, url, cookies }) => {
	const { user, tenantId } = requireUser(locals, url);
	// The installed app starts in the agent area (static/manifest.webmanifest); a manager or the
	// platform admin who installed it starts on their own home instead.
	if (
		url.pathname === '/agent' &&
		url.searchParams.get('source') === 'pwa' &&
		user.role !== 'agent'
	)
		redirect(303, homeFor(user.role));
	const tenant = await withTenant(tenantId, (tx) => getTenant(tx, tenantId));
	const grant = locals.actingAs;
	return {
		user: { name: user.name, role: user.role },
		/** Where this person's app starts: the way back from an error page. */
		home: homeFor(user.role),
		failedLogins: takeLoginNotice({ cookies, url }),
		demo: config().demo,
		actingAs: grant
			? {
					tenantId: grant.tenantId,
					tenantName: (await grantTenantName(user, grant)) ?? '',
					until: grant.until.toISOString()
				}
			: null,
		tenant: tenant
			? { name: tenant.name, slug: tenant.slug, brandColor: tenant.brandColor, kind: tenant.kind }
			: null
	};
};
