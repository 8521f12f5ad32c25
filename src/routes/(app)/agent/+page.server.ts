import type { PageServerLoad } from './$types';
import { STAFF, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { listRegisteredBy } from '$lib/server/network/views';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { user, tenantId } = requireRole(locals, STAFF, url);
	const mine = await withTenant(tenantId, (tx) => listRegisteredBy(tx, user.id, 20));
	return { name: user.name, mine };
};
