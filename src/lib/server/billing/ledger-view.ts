/**
 * A subscriber's wallet as the subscriber page shows it: the balance and the newest ledger lines,
 * each saying whether a manager may still take it back. Runs inside the caller's withTenant.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { ledgerEntries, type LedgerKind } from '../db/schema';
import { walletBalance, walletEntries } from './wallet';

export interface LedgerLine {
	id: number;
	kind: LedgerKind;
	amountKes: number;
	reference: string | null;
	note: string | null;
	createdAt: Date;
	/** A credit not yet taken back, still in the wallet: a manager may reverse it. */
	reversible: boolean;
}

export async function ledgerView(
	tx: Tx,
	subscriberId: string,
	limit = 20
): Promise<{ balance: number; entries: LedgerLine[] }> {
	const entries = await walletEntries(tx, subscriberId, limit);
	const balance = await walletBalance(tx, subscriberId);
	// A reversal is newer than its credit, so a credit on this page has its reversal here too.
	const reversed = new Set(
		entries
			.filter((e) => e.kind === 'reversal' && e.reference?.startsWith('entry:'))
			.map((e) => Number(e.reference!.slice(6)))
	);
	return {
		balance,
		entries: entries.map((e) => ({
			id: e.id,
			kind: e.kind,
			amountKes: e.amountKes,
			reference: e.kind === 'purchase' || e.kind === 'reversal' ? null : e.reference,
			note: e.note,
			createdAt: e.createdAt,
			// Money already spent on a package cannot be taken back: offer only what the balance covers.
			reversible: e.amountKes > 0 && !reversed.has(e.id) && balance >= e.amountKes
		}))
	};
}

/** Whether the ledger entry is this subscriber's (a form names an entry; it must be one of theirs). */
export async function isSubscribersEntry(
	tx: Tx,
	subscriberId: string,
	entryId: number
): Promise<boolean> {
	const [entry] = await tx
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(and(eq(ledgerEntries.id, entryId), eq(ledgerEntries.subscriberId, subscriberId)));
	return !!entry;
}
