import { describe, expect, it } from 'vitest';
import { displayPhone, paymentReason, paymentWalletNote } from './labels';

const failed = (resultCode: number | null, resultDesc: string | null = null) =>
	paymentReason({ status: 'failed', resultCode, resultDesc, note: null, accountReference: null });

describe('why a payment did not go through', () => {
	it('says the common M-Pesa results in plain words', () => {
		expect(failed(1032)).toBe('The customer cancelled the prompt.');
		expect(failed(2001)).toBe('The M-Pesa PIN was wrong.');
		expect(failed(1)).toBe('Not enough money in M-Pesa.');
		expect(failed(1037, 'No answer from the phone within 10 minutes')).toBe(
			'The phone was off or could not be reached.'
		);
	});

	it("falls back to Safaricom's own words, then to a plain 'no reason'", () => {
		expect(failed(2028, 'The request is not permitted according to product assignment')).toBe(
			'The request is not permitted according to product assignment'
		);
		expect(failed(null, 'M-Pesa could not be reached')).toBe('M-Pesa could not be reached');
		expect(failed(null)).toBe('M-Pesa gave no reason.');
	});

	it('names the account of an unmatched payment and gives no reason for a paid one', () => {
		expect(
			paymentReason({
				status: 'unmatched',
				resultCode: 0,
				resultDesc: null,
				note: null,
				accountReference: 'ABC12'
			})
		).toBe('Account “ABC12” matches no subscriber. Assign it below.');
		expect(
			paymentReason({
				status: 'succeeded',
				resultCode: 0,
				resultDesc: 'ok',
				note: null,
				accountReference: null
			})
		).toBeNull();
	});

	it('shows a real phone the Kenyan way and a hashed one shortened', () => {
		expect(displayPhone('254712345678')).toBe('0712 345 678');
		expect(displayPhone('2547 ***** 678')).toBe('2547 ***** 678');
		expect(displayPhone('a'.repeat(64))).toBe(`${'a'.repeat(10)}…`);
	});
});

describe('what became of a paid amount that is not a package price', () => {
	const paid = {
		status: 'succeeded' as const,
		subscriberId: 's',
		planName: 'Daily',
		planPriceKes: 50
	};
	it('says an amount below the price went to the wallet, the balance it left and how much more buys the plan', () => {
		expect(
			paymentWalletNote({
				...paid,
				amountKes: 30,
				boughtPackageName: null,
				boughtPriceKes: null,
				walletAfterKes: 30
			})
		).toBe(
			'Credited to the wallet: KES 30 is less than Daily (KES 50). Wallet after this payment: KES 30; KES 20 more buys Daily.'
		);
		expect(
			paymentWalletNote({
				...paid,
				planName: null,
				planPriceKes: null,
				amountKes: 30,
				boughtPackageName: null,
				boughtPriceKes: null,
				walletAfterKes: 30
			})
		).toBe(
			'Credited to the wallet (KES 30): there is no package to buy. Wallet after this payment: KES 30.'
		);
	});

	it('says what was left over, or what the wallet added, when a package was bought', () => {
		expect(
			paymentWalletNote({
				...paid,
				amountKes: 70,
				boughtPackageName: 'Daily',
				boughtPriceKes: 50,
				walletAfterKes: 20
			})
		).toBe(
			'Bought Daily (KES 50); the other KES 20 stays in the wallet. Wallet after this payment: KES 20.'
		);
		expect(
			paymentWalletNote({
				...paid,
				amountKes: 30,
				boughtPackageName: 'Daily',
				boughtPriceKes: 50,
				walletAfterKes: 0
			})
		).toBe(
			'KES 30 with KES 20 from the wallet bought Daily (KES 50). Wallet after this payment: KES 0.'
		);
	});

	it('says nothing when the amount was the price, or the payment is not a settled one of a subscriber', () => {
		expect(
			paymentWalletNote({
				...paid,
				amountKes: 50,
				boughtPackageName: 'Daily',
				boughtPriceKes: 50,
				walletAfterKes: 0
			})
		).toBeNull();
		expect(
			paymentWalletNote({
				...paid,
				status: 'unmatched',
				subscriberId: null,
				amountKes: 30,
				boughtPackageName: null,
				boughtPriceKes: null,
				walletAfterKes: null
			})
		).toBeNull();
		// Settled before payments kept their outcome: nothing to say rather than a guess.
		expect(
			paymentWalletNote({
				...paid,
				amountKes: 30,
				boughtPackageName: null,
				boughtPriceKes: null,
				walletAfterKes: null
			})
		).toBeNull();
	});
});
