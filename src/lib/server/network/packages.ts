/**
 * Packages: what subscribers buy. Saving one queues a profile sync to every router of the tenant,
 * in the same transaction (outbox), so routers converge even if one is down right now.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { packages, routers, type Package, type ServiceKind, type ValidityUnit } from '../db/schema';
import { enqueueJobs } from './jobs';
import { routerSafe } from './routers';

export interface PackageInput {
	name: string;
	kind: ServiceKind;
	priceKes: number;
	validityUnit: ValidityUnit;
	validityCount: number;
	rateLimit: string;
	dataCapMb: number | null;
	sharedDevices: number;
}

/** "Daily 2M" → "mt-daily-2m-1a2b": readable on the router, unique, ASCII, never renamed. */
export function profileNameFor(name: string, id: string): string {
	const slug = routerSafe(name, 30)
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return `mt-${slug || 'package'}-${id.slice(0, 4)}`;
}

async function queueProfileSync(tx: Tx, pkg: Package): Promise<void> {
	// A retired router is sent nothing more; reconcile repairs its profiles if it is put back in service.
	const targets = await tx
		.select({ id: routers.id })
		.from(routers)
		.where(and(eq(routers.tenantId, pkg.tenantId), isNull(routers.retiredAt)));
	await enqueueJobs(
		tx,
		targets.map((r) => ({
			tenantId: pkg.tenantId,
			routerId: r.id,
			action: 'sync_package' as const,
			packageId: pkg.id
		}))
	);
}

export async function createPackage(
	tx: Tx,
	tenantId: string,
	input: PackageInput
): Promise<Package> {
	const id = crypto.randomUUID();
	const [pkg] = await tx
		.insert(packages)
		.values({ id, tenantId, ...input, profileName: profileNameFor(input.name, id) })
		.returning();
	await queueProfileSync(tx, pkg!);
	return pkg!;
}

export async function updatePackage(
	tx: Tx,
	id: string,
	input: Omit<PackageInput, 'kind'>
): Promise<Package | undefined> {
	const [pkg] = await tx.update(packages).set(input).where(eq(packages.id, id)).returning();
	if (pkg) await queueProfileSync(tx, pkg);
	return pkg;
}

/** A retired package is no longer sold; its subscribers keep it until they change. */
export async function setPackageActive(
	tx: Tx,
	id: string,
	active: boolean
): Promise<Package | undefined> {
	const [pkg] = await tx.update(packages).set({ active }).where(eq(packages.id, id)).returning();
	return pkg;
}

export async function listPackages(
	tx: Tx,
	filter: { activeOnly?: boolean; tenantId?: string } = {}
): Promise<Package[]> {
	return tx
		.select()
		.from(packages)
		.where(
			sql`true ${filter.activeOnly ? sql`and ${packages.active}` : sql``} ${filter.tenantId ? sql`and ${packages.tenantId} = ${filter.tenantId}` : sql``}`
		)
		.orderBy(asc(packages.priceKes), asc(packages.name));
}

export async function getPackage(tx: Tx, id: string): Promise<Package | undefined> {
	const [pkg] = await tx.select().from(packages).where(eq(packages.id, id));
	return pkg;
}

/** The router profile a package maps to. */
export function profileFor(pkg: Pick<Package, 'profileName' | 'rateLimit' | 'sharedDevices'>) {
	return { name: pkg.profileName, rateLimit: pkg.rateLimit, sharedUsers: pkg.sharedDevices };
}

/** "2M/5M": upload/download in bits per second with k, M or G; what RouterOS accepts as rate-limit. */
export const RATE_LIMIT_SHAPE = /^[0-9]{1,6}[kKmMgG]?\/[0-9]{1,6}[kKmMgG]?$/;
