/**
 * The hotspot captive portal's side of things: which router the customer stands behind, the
 * hotspot packages on sale, and the hotspot subscriber a phone number pays for, created on first
 * purchase with no router user until it is paid for; the ones never paid for are removed
 * (unpaid-portal.ts).
 */
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { packages, routers, subscribers, type Subscriber } from '../db/schema';
import { registerSubscriber, updateSubscriber } from '../network/subscribers';
import { formatMsisdn } from '../../phone';
import type { OfferedPackage } from './payer';
import { isUuid } from '../../uuid';
import { pushAllowance, sendSelfServicePush, type PushOutcome, type SelfServicePush } from './push';

/**
 * The router the portal serves: the one named (a tenant with several hotspots puts `router=<id>`
 * in its login page), else the tenant's first. A name we do not know falls back to the first too,
 * so a stale login page still sells.
 */
export async function portalRouterId(
	tx: Tx,
	tenantId: string,
	wanted: string | null | undefined
): Promise<string | null> {
	const named = wanted && isUuid(wanted) ? wanted : null;
	const own = await tx
		.select({ id: routers.id })
		.from(routers)
		// A retired router sells nothing: its login page falls back to the tenant's first open one.
		.where(and(eq(routers.tenantId, tenantId), isNull(routers.retiredAt)))
		.orderBy(sql`${routers.id} = ${named} desc nulls last`, asc(routers.createdAt), asc(routers.id))
		.limit(1);
	return own[0]?.id ?? null;
}

/** The tenant's hotspot packages on sale, cheapest first. */
export async function hotspotPackages(tx: Tx, tenantId: string): Promise<OfferedPackage[]> {
	const rows = await tx
		.select()
		.from(packages)
		.where(
			and(eq(packages.tenantId, tenantId), eq(packages.kind, 'hotspot'), eq(packages.active, true))
		)
		.orderBy(asc(packages.priceKes), asc(packages.name));
	return rows.map(({ id, name, priceKes, validityUnit, validityCount, rateLimit }) => ({
		id,
		name,
		priceKes,
		validityUnit,
		validityCount,
		rateLimit
	}));
}

export class PortalRefused extends Error {
	constructor(readonly reason: 'package' | 'no-router' | 'suspended') {
		super(reason);
	}
}

/**
 * The hotspot subscriber this phone pays for at this router (`routerId`, the portal's): theirs if
 * they have bought before, else a new one. Two taps at once for a new phone wait for each other,
 * so one phone gets one subscriber.
 *
 * A customer who last bought at another hotspot is moved here now only while out of service:
 * anyone can type a phone number, and moving a customer who is online elsewhere would cut them
 * off before any money has moved. A customer in service is moved once this payment succeeds
 * (`moveToPortalRouter`, from the device login after payment).
 */
export async function portalCustomer(input: {
	tenantId: string;
	phone: string;
	packageId: string;
	routerId: string | null;
}): Promise<{ subscriber: Subscriber; created: boolean; routerId: string }> {
	const { tenantId, phone, packageId } = input;
	return withTenant(tenantId, async (tx) => {
		const [pkg] = await tx
			.select({ id: packages.id })
			.from(packages)
			.where(
				and(
					eq(packages.id, packageId),
					eq(packages.tenantId, tenantId),
					eq(packages.kind, 'hotspot'),
					eq(packages.active, true)
				)
			);
		if (!pkg) throw new PortalRefused('package');
		const routerId = await portalRouterId(tx, tenantId, input.routerId);
		if (!routerId) throw new PortalRefused('no-router');
		await tx.execute(
			sql`select pg_advisory_xact_lock(hashtextextended(${`portal:${tenantId}:${phone}`}, 0))`
		);
		const [existing] = await tx
			.select()
			.from(subscribers)
			.where(
				and(
					eq(subscribers.tenantId, tenantId),
					eq(subscribers.phone, phone),
					eq(subscribers.kind, 'hotspot')
				)
			)
			.orderBy(
				sql`${subscribers.routerId} = ${routerId} desc nulls last`,
				desc(subscribers.updatedAt)
			)
			.limit(1);
		if (existing) {
			if (existing.status === 'suspended') throw new PortalRefused('suspended');
			if (existing.routerId === routerId || inService(existing))
				return { subscriber: existing, created: false, routerId };
			const moved = await updateSubscriber(tx, existing.id, { routerId });
			return { subscriber: moved ?? existing, created: false, routerId };
		}
		const registered = await registerSubscriber(tx, {
			tenantId,
			name: `Hotspot ${formatMsisdn(phone)}`,
			phone,
			kind: 'hotspot',
			routerId,
			packageId,
			registeredBy: null,
			// No router user for a phone that has not paid: the first payment's renewal makes it.
			routerUserNow: false
		});
		return { ...registered, routerId };
	});
}

const inService = (subscriber: Subscriber) =>
	subscriber.status === 'active' &&
	subscriber.expiresAt !== null &&
	subscriber.expiresAt.getTime() > Date.now();

/**
 * After a portal payment succeeded: the customer moves to the hotspot they paid at (the router the
 * payment recorded), if they are not there yet. Returns the subscriber as it now is.
 */
export async function moveToPortalRouter(
	tx: Tx,
	subscriber: Subscriber,
	paidAtRouter: string | undefined
): Promise<Subscriber> {
	if (!paidAtRouter || !isUuid(paidAtRouter) || subscriber.routerId === paidAtRouter)
		return subscriber;
	const [own] = await tx
		.select({ id: routers.id })
		.from(routers)
		.where(
			and(
				eq(routers.id, paidAtRouter),
				eq(routers.tenantId, subscriber.tenantId),
				isNull(routers.retiredAt)
			)
		);
	if (!own) return subscriber;
	return (await updateSubscriber(tx, subscriber.id, { routerId: own.id })) ?? subscriber;
}

/**
 * A purchase on the portal: the rate limits first (a flood of made-up numbers must not fill the
 * router with users), then the phone's hotspot subscriber, then the M-Pesa prompt. Throws PortalRefused when the package, the
 * router or the customer rules the sale out.
 */
export async function portalPurchase(
	input: { tenantId: string; phone: string; packageId: string; routerId: string | null } & Pick<
		SelfServicePush,
		'device' | 'clientAddress' | 'callbackBase'
	>
): Promise<PushOutcome> {
	const tooMany = await pushAllowance(input);
	if (tooMany) return { ok: false, refusal: tooMany };
	const { subscriber, routerId } = await portalCustomer(input);
	// The hotspot it was bought at goes with the payment, for a customer moved only once it is paid.
	return sendSelfServicePush({
		...input,
		device: { ...input.device, router: routerId },
		subscriberId: subscriber.id,
		ownPhone: subscriber.phone,
		channel: 'portal'
	});
}
