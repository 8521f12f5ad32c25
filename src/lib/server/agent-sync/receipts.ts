/**
 * Cash receipt numbers: what an agent writes on the paper receipt or reads out over the phone,
 * like C-4F7K2Q. Six characters from an alphabet without the ones that are misheard or misread
 * (0/O, 1/I/L, 2/Z, 5/S, 8/B), about 190 million of them; unique per tenant (the ledger's
 * ledger_entries_tenant_cash_receipt_key), drawn again on the rare clash.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ACDEFGHJKMNPQRTUVWXY3479';
export const CASH_RECEIPT_SHAPE = /^C-[ACDEFGHJKMNPQRTUVWXY3479]{6}$/;

export function newCashReceipt(): string {
	let code = 'C-';
	for (let i = 0; i < 6; i++) code += ALPHABET[randomInt(ALPHABET.length)];
	return code;
}
