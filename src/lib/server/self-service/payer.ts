/**
 * The top-up page's look-up: a customer types an account number or a phone, and sees just enough
 * to know it is their account (a masked name, whether it is active) and the packages they can buy.
 * Anyone can type anyone's phone, so nothing else leaves the server: not the balance, the expiry,
 * the kind of service, the phone's digits, nor the account number of a phone. Only the tenant named
 * by the page, never its sub-tenants.
 */
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { packages, type Package, type Subscriber, type ValidityUnit } from '../db/schema';
import { matchSubscriber } from '../network/subscribers';
import { planPackageOf } from '../billing/renewals';

/** "Wanjiku Kamau" → "Wa***u Ka***u": enough for the owner to recognise, too little to learn a stranger's name. */
export function maskName(name: string): string {
	return name
		.trim()
		.split(/\s+/)
		.filter(Boolean)
		.map((word) => {
			// Digits tell too much (a portal customer is named after their phone): none of them shows.
			if (/\d/.test(word)) return '***';
			const chars = Array.from(word);
			return chars.length <= 3
				? `${chars[0]}***`
				: `${chars.slice(0, 2).join('')}***${chars[chars.length - 1]}`;
		})
		.join(' ');
}

export interface PayerLookup {
	/** The account number as typed, spaces and dashes removed, upper-cased; null if it cannot be one. */
	account: string | null;
	/** The phone as an MSISDN, if what was typed is a phone. */
	phone: string | null;
}

export interface OfferedPackage {
	id: string;
	name: string;
	priceKes: number;
	validityUnit: ValidityUnit;
	validityCount: number;
	rateLimit: string;
}

/** What a stranger who typed an account number or a phone may learn: the page data, no more. */
export interface PayerView {
	maskedName: string;
	/** In service now (active and not past its expiry), or not: the expiry itself stays hidden. */
	status: PublicSubscriberStatus;
	/** The package to suggest (the current one, if still offered); null when none. */
	suggestedPackageId: string | null;
	packages: OfferedPackage[];
}

export type PublicSubscriberStatus = 'active' | 'expired';

export type PayerResult =
	| { ok: true; subscriber: Subscriber; view: PayerView }
	| { ok: false; reason: 'none' | 'ambiguous' };

/** The account number first; else a phone, if exactly one subscriber of this tenant has it. */
export async function findPayer(tenantId: string, lookup: PayerLookup): Promise<PayerResult> {
	return withTenant(tenantId, async (tx) => {
		const match = await matchSubscriber(tx, tenantId, lookup);
		if (!match.found) return { ok: false, reason: match.reason } as const;
		const subscriber = match.found;
		return { ok: true, subscriber, view: await payerView(tx, subscriber) } as const;
	});
}

async function payerView(tx: Tx, subscriber: Subscriber, now = new Date()): Promise<PayerView> {
	const offered = await offeredPackages(tx, subscriber);
	return {
		maskedName: maskName(subscriber.name),
		status: publicSubscriberStatus(subscriber, now),
		// The plan, not a package chosen once for an earlier payment.
		suggestedPackageId: offered.find((p) => p.id === planPackageOf(subscriber))?.id ?? null,
		packages: offered
	};
}

/** Suspended, pending and lapsed accounts all read "expired": the reason is for the provider to tell. */
export function publicSubscriberStatus(
	subscriber: Pick<Subscriber, 'status' | 'expiresAt'>,
	now = new Date()
): PublicSubscriberStatus {
	return subscriber.status === 'active' &&
		subscriber.expiresAt !== null &&
		subscriber.expiresAt.getTime() > now.getTime()
		? 'active'
		: 'expired';
}

/**
 * What this subscriber can buy: the tenant's packages of their kind that are on sale, cheapest
 * first, and their plan and the package in force even if retired (they may keep renewing it).
 */
export async function offeredPackages(
	tx: Tx,
	subscriber: Pick<Subscriber, 'tenantId' | 'kind' | 'packageId' | 'planPackageId'>
): Promise<OfferedPackage[]> {
	const own = [subscriber.packageId, subscriber.planPackageId].filter(
		(id): id is string => id !== null
	);
	const onSaleOrCurrent =
		own.length > 0
			? or(eq(packages.active, true), inArray(packages.id, own))
			: eq(packages.active, true);
	const rows: Package[] = await tx
		.select()
		.from(packages)
		.where(
			and(
				eq(packages.tenantId, subscriber.tenantId),
				eq(packages.kind, subscriber.kind),
				onSaleOrCurrent
			)
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
