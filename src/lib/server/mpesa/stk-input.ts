/**
 * Checks an STK push locally before any request: Daraja's own answer to a bad field is a vague
 * `400.002.02`, and a refused push still costs a round trip and a rate-limit slot.
 */
import { normalizeMsisdn } from '../../phone';
import { DarajaInputInvalid } from './errors';

export interface StkPushInput {
	/** Any Kenyan shape: 0712…, +254 712…, 254712…, 0110… */
	phone: string;
	/** Whole shillings, at least 1. */
	amount: number;
	/** Our account number; Daraja allows at most 12 characters. */
	accountReference: string;
	/** At most 13 characters. */
	description?: string;
	callbackUrl: string;
}

export interface CheckedStkPush {
	msisdn: string;
	amount: number;
	accountReference: string;
	description: string;
	callbackUrl: string;
}

export function checkStkPush(input: StkPushInput): CheckedStkPush {
	const msisdn = normalizeMsisdn(input.phone);
	if (!msisdn) throw new DarajaInputInvalid('phone', 'not a Kenyan mobile number (2547… or 2541…)');
	if (!Number.isSafeInteger(input.amount) || input.amount < 1) {
		throw new DarajaInputInvalid('amount', 'must be a whole number of shillings, at least 1');
	}
	const accountReference = input.accountReference.trim();
	if (!accountReference) throw new DarajaInputInvalid('accountReference', 'is required');
	if (accountReference.length > 12)
		throw new DarajaInputInvalid('accountReference', 'must be at most 12 characters');
	const description = (input.description ?? accountReference).trim().slice(0, 13) || 'Payment';
	if (input.description !== undefined && input.description.trim().length > 13) {
		throw new DarajaInputInvalid('description', 'must be at most 13 characters');
	}
	if (!URL.canParse(input.callbackUrl)) throw new DarajaInputInvalid('callbackUrl', 'is not a URL');
	return {
		msisdn,
		amount: input.amount,
		accountReference,
		description,
		callbackUrl: input.callbackUrl
	};
}
