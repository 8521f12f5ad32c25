/**
 * Staff and rows for route tests: a route's tests call its actions with `locals` like the hooks
 * give, and look at what the actions left behind, without importing drizzle or the schema into
 * src/routes. Every read and write goes through withTenant, so row-level security applies.
 */
import { and, eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { auditLog, routers, subscribers, users, type Role } from '../db/schema';

type NewRouter = typeof routers.$inferInsert;

export interface StaffInput {
	role: Role;
	name: string;
	phone: string;
}

/** Staff members of a tenant, as rows (no password anyone can log in with). */
export async function addStaff(tenantId: string, staff: StaffInput[]) {
	return withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values(staff.map((s) => ({ tenantId, ...s, passwordHash: 'x' })))
			.returning()
	);
}

/** `locals` as the session hook sets them for this staff member. */
export function localsFor(user: {
	id: string;
	tenantId: string;
	role: Role;
	name: string;
	phone: string | null;
}): App.Locals {
	return {
		user: {
			id: user.id,
			tenantId: user.tenantId,
			role: user.role,
			name: user.name,
			email: null,
			phone: user.phone,
			locale: null
		},
		session: null,
		tenantId: user.tenantId,
		actingAs: null
	};
}

/** One staff member and the `locals` a request of theirs carries. */
export async function staffLocals(tenantId: string, staff: StaffInput): Promise<App.Locals> {
	const [user] = await addStaff(tenantId, [staff]);
	return localsFor(user!);
}

/** A router row written straight to the table, past the checks the app makes (old or hand-made data). */
export async function insertRouterRow(values: NewRouter) {
	const [row] = await withTenant(values.tenantId, (tx) =>
		tx.insert(routers).values(values).returning()
	);
	return row!;
}

export function routerRows(tenantId: string) {
	return withTenant(tenantId, (tx) =>
		tx.select().from(routers).where(eq(routers.tenantId, tenantId))
	);
}

/** The router as `tenantId`'s scope sees it: undefined when it is gone or not theirs. */
export async function routerRow(tenantId: string, id: string) {
	const [row] = await withTenant(tenantId, (tx) =>
		tx.select().from(routers).where(eq(routers.id, id))
	);
	return row;
}

export function subscriberRows(tenantId: string) {
	return withTenant(tenantId, (tx) => tx.select().from(subscribers));
}

export async function subscriberRow(tenantId: string, id: string) {
	const [row] = await withTenant(tenantId, (tx) =>
		tx.select().from(subscribers).where(eq(subscribers.id, id))
	);
	return row;
}

/** The tenant's audit entries, all or of one action. */
export function auditEntries(tenantId: string, action?: string) {
	return withTenant(tenantId, (tx) =>
		tx
			.select()
			.from(auditLog)
			.where(
				action
					? and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))
					: eq(auditLog.tenantId, tenantId)
			)
	);
}
