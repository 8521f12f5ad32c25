/**
 * The subscriber wallet (DESIGN §3): payments and cash credit it, package purchases debit it, and
 * the balance is the sum of its entries. A purchase locks the subscriber row first, so two payments
 * landing at once cannot both spend the same shillings, and the balance never goes below zero.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import {
	ledgerEntries,
	packages,
	subscribers,
	type LedgerEntry,
	type LedgerKind,
	type Subscriber
} from '../db/schema';
import { forSaleSql, packageToBuySql, renewSubscription } from './renewals';

export class WalletError extends Error {
	constructor(
		readonly reason: 'not-found' | 'insufficient' | 'invalid-amount' | 'package-unavailable',
		message: string
	) {
		super(message);
	}
}

export async function walletBalance(tx: Tx, subscriberId: string): Promise<number> {
	const [row] = await tx
		.select({ balance: sql<number>`coalesce(sum(${ledgerEntries.amountKes}), 0)::int` })
		.from(ledgerEntries)
		.where(eq(ledgerEntries.subscriberId, subscriberId));
	return row?.balance ?? 0;
}

/** Holds the subscriber row until the transaction ends: wallet changes for one subscriber queue up here. */
async function lockSubscriber(tx: Tx, subscriberId: string): Promise<Subscriber> {
	const [row] = await tx
		.select()
		.from(subscribers)
		.where(eq(subscribers.id, subscriberId))
		.for('update');
	if (!row) throw new WalletError('not-found', 'No such subscriber');
	return row;
}

export interface Credit {
	subscriberId: string;
	kind: Extract<LedgerKind, 'payment' | 'cash' | 'correction'>;
	amountKes: number;
	reference?: string;
	recordedBy?: string | null;
	note?: string;
}

export async function creditWallet(tx: Tx, credit: Credit): Promise<LedgerEntry> {
	if (
		!Number.isSafeInteger(credit.amountKes) ||
		credit.amountKes <= 0 ||
		credit.amountKes > 1_000_000
	) {
		throw new WalletError(
			'invalid-amount',
			'An amount is a whole number of shillings from 1 to 1,000,000'
		);
	}
	const subscriber = await lockSubscriber(tx, credit.subscriberId);
	const [entry] = await tx
		.insert(ledgerEntries)
		.values({
			tenantId: subscriber.tenantId,
			subscriberId: subscriber.id,
			kind: credit.kind,
			amountKes: credit.amountKes,
			reference: credit.reference,
			recordedBy: credit.recordedBy ?? null,
			note: credit.note
		})
		.returning();
	return entry!;
}

/**
 * Buys a package from the wallet: a debit of its price, then the renewal (which queues the router
 * job), all in the caller's transaction. Refuses when the balance does not cover the price.
 */
export async function buyPackage(
	tx: Tx,
	subscriberId: string,
	packageId?: string,
	recordedBy?: string | null
): Promise<{ entry: LedgerEntry; subscriber: Subscriber }> {
	await lockSubscriber(tx, subscriberId);
	// Without a choice, the plan: not a package chosen once for an earlier payment. The same SQL
	// picks the package in the STK batch (payments/stk-batch.ts).
	const [found] = await tx
		.select({ pkg: packages })
		.from(packages)
		.innerJoin(subscribers, eq(subscribers.id, subscriberId))
		.where(
			and(
				eq(packages.id, packageToBuySql(sql`${packageId ?? null}::uuid`, subscribers)),
				eq(packages.tenantId, subscribers.tenantId),
				forSaleSql(packages, subscribers)
			)
		);
	const pkg = found?.pkg;
	if (!pkg) throw new WalletError('package-unavailable', 'That package is not for sale');
	const balance = await walletBalance(tx, subscriberId);
	if (balance < pkg.priceKes)
		throw new WalletError(
			'insufficient',
			`The balance of KES ${balance} does not cover KES ${pkg.priceKes}`
		);
	const [entry] = await tx
		.insert(ledgerEntries)
		.values({
			tenantId: pkg.tenantId,
			subscriberId,
			kind: 'purchase',
			amountKes: -pkg.priceKes,
			packageId: pkg.id,
			reference: pkg.id,
			recordedBy: recordedBy ?? null
		})
		.returning();
	const renewed = await renewSubscription(tx, subscriberId, pkg.id);
	return { entry: entry!, subscriber: renewed! };
}

/** Takes back a credit (a cash entry recorded by mistake, say), never below a zero balance. */
export async function reverseCredit(
	tx: Tx,
	entryId: number,
	recordedBy: string | null,
	note: string
): Promise<LedgerEntry> {
	const [original] = await tx.select().from(ledgerEntries).where(eq(ledgerEntries.id, entryId));
	if (!original || original.amountKes <= 0) throw new WalletError('not-found', 'No such credit');
	await lockSubscriber(tx, original.subscriberId);
	const [already] = await tx
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(
			and(eq(ledgerEntries.kind, 'reversal'), eq(ledgerEntries.reference, `entry:${entryId}`))
		);
	if (already) throw new WalletError('not-found', 'That credit was already reversed');
	const balance = await walletBalance(tx, original.subscriberId);
	if (balance < original.amountKes)
		throw new WalletError('insufficient', `Only KES ${balance} is left to reverse`);
	const [entry] = await tx
		.insert(ledgerEntries)
		.values({
			tenantId: original.tenantId,
			subscriberId: original.subscriberId,
			kind: 'reversal',
			amountKes: -original.amountKes,
			reference: `entry:${entryId}`,
			recordedBy,
			note
		})
		.returning();
	return entry!;
}

export async function walletEntries(
	tx: Tx,
	subscriberId: string,
	limit = 50
): Promise<LedgerEntry[]> {
	return tx
		.select()
		.from(ledgerEntries)
		.where(eq(ledgerEntries.subscriberId, subscriberId))
		.orderBy(desc(ledgerEntries.id))
		.limit(limit);
}
