import type { PageServerLoad } from './$types';
import { desc, eq } from 'drizzle-orm';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { auditLog, tenants } from '$lib/server/db/schema';
import { auditEntryFields } from '$lib/server/audit';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const entries = await withTenant(tenantId, (tx) =>
		tx
			.select({ ...auditEntryFields, tenantName: tenants.name })
			.from(auditLog)
			.innerJoin(tenants, eq(tenants.id, auditLog.tenantId))
			.orderBy(desc(auditLog.createdAt))
			.limit(100)
	);
	return { entries };
};
