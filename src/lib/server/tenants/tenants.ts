/**
 * Tenants: the platform admin creates ISPs and their resellers/sites; a manager sees its own tenant
 * and its descendants. Visibility is decided by row-level security, not by these queries.
 */
import { asc, eq, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { isUniqueViolation } from '../db/errors';
import { tenants, type Tenant, type TenantKind } from '../db/schema';
import { countsByTenant } from './counts';
import { writeAudit, type AuditActor } from '../audit';

export class SlugTaken extends Error {
	constructor(readonly slug: string) {
		super(`The slug "${slug}" is taken`);
	}
}

export interface NewTenant {
	name: string;
	slug: string;
	parentId: string;
	kind: Exclude<TenantKind, 'platform'>;
	brandColor?: string;
	timezone?: string;
}

/** Creates a tenant under a parent visible from `scopeTenantId`. */
export async function createTenant(
	scopeTenantId: string,
	input: NewTenant,
	actor: AuditActor
): Promise<Tenant> {
	return withTenant(scopeTenantId, async (tx) => {
		// Other tenants are invisible here, but the unique index still sees every slug.
		try {
			const [tenant] = await tx
				.insert(tenants)
				.values({ ...input, path: [] })
				.returning();
			await writeAudit(tx, {
				tenantId: tenant!.id,
				actor,
				action: 'tenant.create',
				target: tenant!.slug,
				detail: { name: tenant!.name, kind: tenant!.kind }
			});
			return tenant!;
		} catch (error) {
			if (isUniqueViolation(error, 'tenants_slug_key')) throw new SlugTaken(input.slug);
			throw error;
		}
	});
}

export async function getTenant(tx: Tx, id: string): Promise<Tenant | undefined> {
	const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, id));
	return tenant;
}

export async function getTenantBySlug(tx: Tx, slug: string): Promise<Tenant | undefined> {
	const [tenant] = await tx.select().from(tenants).where(eq(tenants.slug, slug));
	return tenant;
}

/** Every tenant visible from the scope, with its depth below the scope and its own counts. */
export async function listVisibleTenants(tx: Tx) {
	const rows = await tx
		.select({
			id: tenants.id,
			name: tenants.name,
			slug: tenants.slug,
			kind: tenants.kind,
			parentId: tenants.parentId,
			depth: sql<number>`cardinality(${tenants.path})`,
			brandColor: tenants.brandColor
		})
		.from(tenants)
		.orderBy(asc(sql`${tenants.path}`));
	const counts = await countsByTenant(
		tx,
		rows.map((t) => t.id)
	);
	return rows.map((t) => ({ ...t, ...counts.get(t.id)! }));
}

/** The tenants the scope can see, by name, in tree order (a form's choice of tenant). */
export async function listTenantNames(tx: Tx) {
	return tx.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(tenants.path);
}
