/**
 * Daraja refuses synchronously with `{requestId, errorCode, errorMessage}` and an HTTP status.
 * The codes and wordings below are the ones merchants meet in practice; PROTOCOLS.md part A
 * lists them. A refused request never reaches M-Pesa, so nothing is charged.
 */
import { errorRequestId } from './ids';

export class DarajaError extends Error {
	constructor(
		readonly status: number,
		readonly errorCode: string,
		readonly errorMessage: string
	) {
		super(`${errorCode} ${errorMessage}`);
		this.name = 'DarajaError';
	}

	toBody(): DarajaErrorBody {
		return {
			requestId: errorRequestId(),
			errorCode: this.errorCode,
			errorMessage: this.errorMessage
		};
	}
}

export interface DarajaErrorBody {
	requestId: string;
	errorCode: string;
	errorMessage: string;
}

export const invalidAuthentication = (): DarajaError =>
	new DarajaError(400, '400.008.01', 'Invalid Authentication passed');

export const invalidGrantType = (): DarajaError =>
	new DarajaError(400, '400.008.02', 'Invalid grant type passed');

/**
 * The body code is 404.001.03 although the gateway answers with HTTP 401 (the status clients see
 * on an expired or foreign token); `status` lets a test reproduce the 404 some clients report.
 */
export const invalidAccessToken = (status: number): DarajaError =>
	new DarajaError(status, '404.001.03', 'Invalid Access Token');

/** The gateway's field check: one code for every field, the field named in the message. */
export const invalidField = (field: string): DarajaError =>
	new DarajaError(400, '400.002.02', `Bad Request - Invalid ${field}`);

export const resourceNotFound = (): DarajaError =>
	new DarajaError(404, '404.001.01', 'Resource not found');

export const methodNotAllowed = (): DarajaError =>
	new DarajaError(405, '405.001', 'Method Not Allowed');

// 500.001.1001 is M-Pesa's catch-all behind the gateway: the message is the only way to tell
// a wrong passkey from a busy subscriber, so clients must read it.
export const merchantDoesNotExist = (): DarajaError =>
	new DarajaError(500, '500.001.1001', 'Merchant does not exist');

export const wrongCredentials = (): DarajaError =>
	new DarajaError(500, '500.001.1001', 'Wrong credentials');

export const subscriberLocked = (): DarajaError =>
	new DarajaError(
		500,
		'500.001.1001',
		'Unable to lock subscriber, a transaction is already in process for the current subscriber'
	);

/** STK query while the customer has not answered the prompt: pending, not failed. */
export const transactionBeingProcessed = (): DarajaError =>
	new DarajaError(500, '500.001.1001', 'The transaction is being processed');

/** Production lets a shortcode register its C2B URLs once; changing them needs Safaricom. */
export const urlsAlreadyRegistered = (): DarajaError =>
	new DarajaError(500, '500.003.1001', 'Urls are already registered');

export const internalServerError = (): DarajaError =>
	new DarajaError(500, '500.003.1001', 'Internal Server Error');
