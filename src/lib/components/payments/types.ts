/** A wallet form's failed submission, as the subscriber page passes it to the form it came from. */
export interface WalletFailure {
	message: string;
	errors: Record<string, string>;
	values: Record<string, string>;
}

export interface LedgerLineView {
	id: number;
	kind: 'payment' | 'cash' | 'correction' | 'purchase' | 'reversal';
	amountKes: number;
	reference: string | null;
	note: string | null;
	createdAt: Date;
	reversible: boolean;
}
