/**
 * The evening count: the cash each staff member recorded on one Nairobi day, with every receipt,
 * so a manager can take the envelope from each agent and check it against the receipts they gave.
 * Read from the ledger (cash entries), never from a counter that could drift. Bounded: the
 * receipts of one day, at most MAX_RECEIPTS of them, newest first; the totals are always whole.
 */
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { ledgerEntries, subscribers, users } from '../db/schema';
import { nairobiDayBounds } from './nairobi-day';

export const MAX_RECEIPTS = 500;

export async function cashByStaff(tx: Tx, tenantId: string, date: string) {
	const day = nairobiDayBounds(date);
	if (!day) return null;
	const onDay = and(
		eq(ledgerEntries.tenantId, tenantId),
		eq(ledgerEntries.kind, 'cash'),
		gte(ledgerEntries.createdAt, day.start),
		lt(ledgerEntries.createdAt, day.end)
	);
	const totals = await tx
		.select({
			userId: ledgerEntries.recordedBy,
			name: users.name,
			role: users.role,
			receipts: sql<number>`count(*)::int`,
			totalKes: sql<number>`sum(${ledgerEntries.amountKes})::int`
		})
		.from(ledgerEntries)
		.leftJoin(users, eq(users.id, ledgerEntries.recordedBy))
		.where(onDay)
		.groupBy(ledgerEntries.recordedBy, users.name, users.role)
		.orderBy(desc(sql`sum(${ledgerEntries.amountKes})`), users.name);
	const receipts = await tx
		.select({
			entryId: ledgerEntries.id,
			createdAt: ledgerEntries.createdAt,
			receipt: ledgerEntries.reference,
			amountKes: ledgerEntries.amountKes,
			note: ledgerEntries.note,
			recordedBy: ledgerEntries.recordedBy,
			subscriberId: ledgerEntries.subscriberId,
			subscriberName: subscribers.name,
			accountNumber: subscribers.accountNumber
		})
		.from(ledgerEntries)
		.innerJoin(subscribers, eq(subscribers.id, ledgerEntries.subscriberId))
		.where(onDay)
		.orderBy(desc(ledgerEntries.createdAt), desc(ledgerEntries.id))
		.limit(MAX_RECEIPTS);
	return {
		date,
		totals,
		totalKes: totals.reduce((sum, t) => sum + t.totalKes, 0),
		receipts,
		receiptsCut: totals.reduce((n, t) => n + t.receipts, 0) > receipts.length
	};
}

export type CashReport = NonNullable<Awaited<ReturnType<typeof cashByStaff>>>;
