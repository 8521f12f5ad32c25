/**
 * Renewal: what buying a package does to the subscriber. The expiry becomes max(now, expiry) +
 * validity, so renewing early never loses paid time; the package bought is put in force without
 * replacing the plan (see planAfterPurchaseSql); and the router is told in the same transaction.
 *
 * The rule is written once, as SQL over "the subscriber before" and "the package bought"
 * (`renewalSql`): renewSubscription applies it to one subscriber, and the STK batch
 * (payments/stk-batch.ts) to many at once in one statement.
 */
import { and, eq, getTableColumns, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Tx } from '../db';
import { packages, subscribers, type Subscriber } from '../db/schema';
import { enqueueJobs } from '../network/jobs';
import { NotInTenant, getSubscriber } from '../network/subscribers';

type Value = SQL | AnyColumn;

/** The package a subscriber's plan renews: the plan kept aside by a one-off purchase, else the one in force. */
export function planPackageOf(
	subscriber: Pick<Subscriber, 'packageId' | 'planPackageId'>
): string | null {
	return subscriber.planPackageId ?? subscriber.packageId;
}

/** The subscriber's plan and package in force (columns, or expressions over the subscriber row). */
export interface PlanColumns {
	packageId: Value;
	planPackageId: Value;
}

/** The package a purchase buys: the one chosen for it, else the plan (as planPackageOf). */
export function packageToBuySql(chosen: Value, subscriber: PlanColumns): SQL {
	return sql`coalesce(${chosen}, ${subscriber.planPackageId}, ${subscriber.packageId})`;
}

/** Whether the package is sold to the subscriber: a retired package still is to whoever has it as plan or in force. */
export function forSaleSql(pkg: { id: Value; active: Value }, subscriber: PlanColumns): SQL {
	return sql`(${pkg.active} or ${pkg.id} = ${subscriber.packageId} or ${pkg.id} = ${subscriber.planPackageId})`;
}

/**
 * The plan after buying `bought`: kept aside (non-null) while another package is in force, null
 * once the plan itself is bought again (or when there was no plan: the first package becomes it).
 * Column references are the subscriber's values before the update.
 */
export function planAfterPurchaseSql(bought: Value, plan: Value, inForce: Value): SQL {
	return sql`nullif(coalesce(${plan}, ${inForce}, ${bought}), ${bought})`;
}

/** A package's validity as a Postgres interval; months are calendar months. */
export function validityIntervalSql(unit: Value, count: Value): SQL {
	return sql`case ${unit} when 'minutes' then make_interval(mins => ${count}) when 'hours' then make_interval(hours => ${count})
		when 'days' then make_interval(days => ${count}) else make_interval(months => ${count}) end`;
}

/**
 * The time renewals count from: the start of the transaction, so every subscriber one transaction
 * renews counts from the same instant. A function, so the property test that compares two runs can
 * fix it (renewals.property.test.ts).
 */
export const renewalClock = { now: (): SQL => sql`now()` };

/** The new expiry: max(now, expiry) + validity. */
export function renewedExpirySql(expiry: Value, unit: Value, count: Value): SQL {
	const now = renewalClock.now();
	return sql`greatest(${now}, coalesce(${expiry}, ${now})) + ${validityIntervalSql(unit, count)}`;
}

/** The subscriber before the renewal (columns, or expressions over the row being updated). */
export interface RenewedSubscriber extends PlanColumns {
	status: Value;
	expiresAt: Value;
}

/** The package bought. */
export interface BoughtPackage {
	id: Value;
	kind: Value;
	validityUnit: Value;
	validityCount: Value;
}

/**
 * The renewal as the new values of the subscriber's columns: the package bought in force (with its
 * kind), the plan kept aside unless the plan itself was bought, active unless suspended (a
 * suspended subscriber keeps the new expiry but stays suspended), and the new expiry.
 */
export function renewalSql(
	before: RenewedSubscriber,
	bought: BoughtPackage
): Record<'packageId' | 'planPackageId' | 'kind' | 'status' | 'expiresAt', SQL> {
	return {
		packageId: sql`${bought.id}`,
		planPackageId: planAfterPurchaseSql(bought.id, before.planPackageId, before.packageId),
		kind: sql`${bought.kind}`,
		status: sql`case when ${before.status} = 'suspended' then 'suspended' else 'active' end`,
		expiresAt: renewedExpirySql(before.expiresAt, bought.validityUnit, bought.validityCount)
	};
}

/** `renewalSql` as the assignments of an UPDATE of subscribers: `package_id = …, plan_package_id = …`. */
export function renewalAssignmentsSql(before: RenewedSubscriber, bought: BoughtPackage): SQL {
	return sql.join(
		Object.entries(renewalSql(before, bought)).map(
			([field, value]) =>
				sql`${sql.identifier(subscribers[field as keyof ReturnType<typeof renewalSql>].name)} = ${value}`
		),
		sql`, `
	);
}

/**
 * Buys the package (the given one, or the plan) for the subscriber: the renewal above, and the
 * router job. The package bought is put in force (the router gets its speed), but it does not
 * change the plan: a package chosen for one payment (on /pay, on the portal) is for that payment,
 * and the next paybill payment or renewal buys the plan again. Only a manager's change of package
 * (or the first package a subscriber ever has) sets the plan.
 */
export async function renewSubscription(
	tx: Tx,
	subscriberId: string,
	packageId?: string
): Promise<Subscriber | undefined> {
	const current = await getSubscriber(tx, subscriberId);
	const chosen = packageId ?? (current ? planPackageOf(current) : null);
	if (!current || !chosen) return undefined;
	const [pkg] = await tx
		.select({ id: packages.id })
		.from(packages)
		.where(and(eq(packages.id, chosen), eq(packages.tenantId, current.tenantId)));
	if (!pkg) throw new NotInTenant('packageId');
	const [row] = await tx
		.update(subscribers)
		.set({
			...renewalSql(subscribers, {
				id: packages.id,
				kind: packages.kind,
				validityUnit: packages.validityUnit,
				validityCount: packages.validityCount
			}),
			updatedAt: new Date()
		})
		.from(packages)
		.where(and(eq(subscribers.id, subscriberId), eq(packages.id, pkg.id)))
		.returning(getTableColumns(subscribers));
	if (row?.routerId)
		await enqueueJobs(tx, [
			{
				tenantId: row.tenantId,
				routerId: row.routerId,
				action: 'sync_subscriber',
				subscriberId: row.id
			}
		]);
	return row;
}
