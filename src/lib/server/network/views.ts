/**
 * Read-only queries for the manager pages: the columns a page shows, never a password, joined
 * with the names a person reads instead of ids. Every function runs inside the caller's withTenant.
 */
import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Tx } from '../db';
import {
	packages,
	provisioningJobs,
	routers,
	subscribers,
	users,
	type JobStatus
} from '../db/schema';

const routerColumns = {
	id: routers.id,
	tenantId: routers.tenantId,
	name: routers.name,
	host: routers.host,
	port: routers.port,
	tls: routers.tls,
	tlsFingerprint: routers.tlsFingerprint,
	username: routers.username,
	hotspotServer: routers.hotspotServer,
	identity: routers.identity,
	version: routers.version,
	lastSeenAt: routers.lastSeenAt,
	lastError: routers.lastError,
	lastErrorAt: routers.lastErrorAt,
	lastReconciledAt: routers.lastReconciledAt,
	lastReconcileSummary: routers.lastReconcileSummary,
	retiredAt: routers.retiredAt,
	createdAt: routers.createdAt
};

export type RouterSummary = Awaited<ReturnType<typeof listRouterSummaries>>[number];

/**
 * A tenant's own routers, by name, without the encrypted password. `openOnly`: the ones a
 * subscriber may be put on (not retired), for registration and other pickers.
 */
export async function listRouterSummaries(
	tx: Tx,
	tenantId: string,
	options: { openOnly?: boolean } = {}
) {
	return tx
		.select(routerColumns)
		.from(routers)
		.where(
			and(eq(routers.tenantId, tenantId), options.openOnly ? isNull(routers.retiredAt) : undefined)
		)
		.orderBy(sql`${routers.retiredAt} is not null`, asc(routers.name));
}

export async function getRouterSummary(tx: Tx, id: string) {
	const [row] = await tx.select(routerColumns).from(routers).where(eq(routers.id, id));
	return row;
}

const plan = alias(packages, 'plan');

/** Everything the subscriber page shows, with the names of its package, router and registrar. */
export async function getSubscriberView(tx: Tx, id: string) {
	const [row] = await tx
		.select({
			id: subscribers.id,
			tenantId: subscribers.tenantId,
			accountNumber: subscribers.accountNumber,
			name: subscribers.name,
			phone: subscribers.phone,
			kind: subscribers.kind,
			status: subscribers.status,
			expiresAt: subscribers.expiresAt,
			routerUsername: subscribers.routerUsername,
			routerId: subscribers.routerId,
			packageId: subscribers.packageId,
			registeredBy: subscribers.registeredBy,
			latitude: subscribers.latitude,
			longitude: subscribers.longitude,
			createdAt: subscribers.createdAt,
			routerName: routers.name,
			packageName: packages.name,
			packageValidityUnit: packages.validityUnit,
			packageValidityCount: packages.validityCount,
			packagePriceKes: packages.priceKes,
			// The plan: the package in force unless a payment chose another for itself (billing/renewals.ts).
			planPackageId: plan.id,
			planKeptAside: sql<boolean>`${subscribers.planPackageId} is not null`,
			planName: plan.name,
			planPriceKes: plan.priceKes,
			planValidityUnit: plan.validityUnit,
			planValidityCount: plan.validityCount,
			registeredByName: users.name
		})
		.from(subscribers)
		.leftJoin(routers, eq(routers.id, subscribers.routerId))
		.leftJoin(packages, eq(packages.id, subscribers.packageId))
		.leftJoin(
			plan,
			eq(plan.id, sql`coalesce(${subscribers.planPackageId}, ${subscribers.packageId})`)
		)
		.leftJoin(users, eq(users.id, subscribers.registeredBy))
		.where(eq(subscribers.id, id));
	return row;
}

export type JobView = Awaited<ReturnType<typeof listJobViews>>[number];

/** Jobs newest first, with the names of their router, subscriber and package. */
export async function listJobViews(
	tx: Tx,
	filter: {
		status?: JobStatus;
		notStatus?: JobStatus;
		routerId?: string;
		subscriberId?: string;
		limit?: number;
	}
) {
	const conditions = [
		filter.status ? eq(provisioningJobs.status, filter.status) : undefined,
		filter.notStatus ? ne(provisioningJobs.status, filter.notStatus) : undefined,
		filter.routerId ? eq(provisioningJobs.routerId, filter.routerId) : undefined,
		filter.subscriberId ? eq(provisioningJobs.subscriberId, filter.subscriberId) : undefined
	].filter((c) => c !== undefined);
	return tx
		.select({
			id: provisioningJobs.id,
			action: provisioningJobs.action,
			status: provisioningJobs.status,
			attempts: provisioningJobs.attempts,
			lastError: provisioningJobs.lastError,
			createdAt: provisioningJobs.createdAt,
			finishedAt: provisioningJobs.finishedAt,
			runAfter: provisioningJobs.runAfter,
			routerId: provisioningJobs.routerId,
			routerName: routers.name,
			subscriberId: provisioningJobs.subscriberId,
			subscriberName: subscribers.name,
			packageName: packages.name,
			payloadUsername: sql<string | null>`${provisioningJobs.payload} ->> 'username'`
		})
		.from(provisioningJobs)
		.leftJoin(routers, eq(routers.id, provisioningJobs.routerId))
		.leftJoin(subscribers, eq(subscribers.id, provisioningJobs.subscriberId))
		.leftJoin(packages, eq(packages.id, provisioningJobs.packageId))
		.where(conditions.length ? and(...conditions) : undefined)
		.orderBy(desc(provisioningJobs.id))
		.limit(filter.limit ?? 50);
}

/** Ids of the failed jobs this scope can see, for "retry all". */
export async function failedJobIds(tx: Tx, limit = 1000): Promise<number[]> {
	const rows = await tx
		.select({ id: provisioningJobs.id })
		.from(provisioningJobs)
		.where(eq(provisioningJobs.status, 'failed'))
		.orderBy(asc(provisioningJobs.id))
		.limit(limit);
	return rows.map((r) => r.id);
}

export async function countFailedJobs(tx: Tx): Promise<number> {
	const [row] = await tx
		.select({ n: sql<number>`count(*)::int` })
		.from(provisioningJobs)
		.where(eq(provisioningJobs.status, 'failed'));
	return row?.n ?? 0;
}

/** The subscribers one staff member registered, newest first (an agent's home page). */
export async function listRegisteredBy(tx: Tx, userId: string, limit: number) {
	return tx
		.select({
			id: subscribers.id,
			name: subscribers.name,
			accountNumber: subscribers.accountNumber,
			status: subscribers.status,
			createdAt: subscribers.createdAt
		})
		.from(subscribers)
		.where(eq(subscribers.registeredBy, userId))
		.orderBy(desc(subscribers.createdAt))
		.limit(limit);
}
