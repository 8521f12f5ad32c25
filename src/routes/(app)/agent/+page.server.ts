import type { PageServerLoad } from './$types';
import { desc, eq } from 'drizzle-orm';
import { STAFF, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { subscribers } from '$lib/server/db/schema';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { user, tenantId } = requireRole(locals, STAFF, url);
	const mine = await withTenant(tenantId, (tx) =>
		tx
			.select({
				id: subscribers.id,
				name: subscribers.name,
				accountNumber: subscribers.accountNumber,
				status: subscribers.status,
				createdAt: subscribers.createdAt
			})
			.from(subscribers)
			.where(eq(subscribers.registeredBy, user.id))
			.orderBy(desc(subscribers.createdAt))
			.limit(20)
	);
	return { name: user.name, mine };
};
