/** Daraja (M-Pesa) for the server: the client, its typed errors and the callback parsers. */
export { createDarajaClient } from './client';
export type {
	C2bRegistered,
	C2bRegistrationInput,
	CredentialsCheck,
	DarajaClient,
	DarajaClientOptions,
	StkPushAccepted,
	StkQueryResult,
	TransactionType
} from './client';
export type { StkPushInput } from './stk-input';
export type { BackoffOptions } from './transport';
export {
	DarajaAuthFailed,
	DarajaError,
	DarajaInputInvalid,
	DarajaRejected,
	DarajaUnavailable
} from './errors';
export { darajaTimestamp, parseDarajaTimestamp, stkPassword } from './kenya-time';
export {
	C2B_ACCEPT,
	C2B_CONFIRMED,
	C2B_REJECT,
	CallbackParseFailure,
	normalizeAccountRef,
	parseC2bPayment,
	parseStkCallback
} from './callbacks';
export type { C2bPayment, ParseResult, StkCallback } from './callbacks';
