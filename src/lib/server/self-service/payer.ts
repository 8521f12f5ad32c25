/**
 * The top-up page's look-up: a customer types an account number or a phone, and sees just enough
 * to know it is their account (a masked name, the package, the expiry, the balance) and the
 * packages they can buy. Only the tenant named by the page, never its sub-tenants.
 */
import { and, asc, eq, or } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { packages, subscribers, type Package, type ServiceKind, type Subscriber, type SubscriberStatus, type ValidityUnit } from '../db/schema';
import { walletBalance } from '../billing/wallet';
import { matchSubscriber } from '../network/subscribers';

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
			return chars.length <= 3 ? `${chars[0]}***` : `${chars.slice(0, 2).join('')}***${chars[chars.length - 1]}`;
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

export interface PayerView {
	accountNumber: string;
	maskedName: string;
	kind: ServiceKind;
	status: SubscriberStatus;
	packageId: string | null;
	packageName: string | null;
	expiresAt: Date | null;
	balanceKes: number;
	/** The last three digits of the subscriber's phone, the default payer. */
	phoneEnding: string;
	packages: OfferedPackage[];
}

export type PayerResult = { ok: true; subscriber: Subscriber; view: PayerView } | { ok: false; reason: 'none' | 'ambiguous' };

/** The account number first; else a phone, if exactly one subscriber of this tenant has it. */
export async function findPayer(tenantId: string, lookup: PayerLookup): Promise<PayerResult> {
	return withTenant(tenantId, async (tx) => {
		const match = await matchSubscriber(tx, tenantId, lookup);
		if (!match.found) return { ok: false, reason: match.reason } as const;
		const subscriber = match.found;
		return { ok: true, subscriber, view: await payerView(tx, subscriber) } as const;
	});
}

async function payerView(tx: Tx, subscriber: Subscriber): Promise<PayerView> {
	const offered = await offeredPackages(tx, subscriber);
	const [current] = subscriber.packageId ? await tx.select({ name: packages.name }).from(packages).where(eq(packages.id, subscriber.packageId)) : [];
	return {
		accountNumber: subscriber.accountNumber,
		maskedName: maskName(subscriber.name),
		kind: subscriber.kind,
		status: subscriber.status,
		packageId: subscriber.packageId,
		packageName: current?.name ?? null,
		expiresAt: subscriber.expiresAt,
		balanceKes: await walletBalance(tx, subscriber.id),
		phoneEnding: subscriber.phone.slice(-3),
		packages: offered
	};
}

/**
 * What this subscriber can buy: the tenant's packages of their kind that are on sale, cheapest
 * first, and their current one even if it has been retired (they may keep renewing it).
 */
export async function offeredPackages(tx: Tx, subscriber: Pick<Subscriber, 'tenantId' | 'kind' | 'packageId'>): Promise<OfferedPackage[]> {
	const onSaleOrCurrent = subscriber.packageId ? or(eq(packages.active, true), eq(packages.id, subscriber.packageId)) : eq(packages.active, true);
	const rows: Package[] = await tx
		.select()
		.from(packages)
		.where(and(eq(packages.tenantId, subscriber.tenantId), eq(packages.kind, subscriber.kind), onSaleOrCurrent))
		.orderBy(asc(packages.priceKes), asc(packages.name));
	return rows.map(({ id, name, priceKes, validityUnit, validityCount, rateLimit }) => ({ id, name, priceKes, validityUnit, validityCount, rateLimit }));
}
