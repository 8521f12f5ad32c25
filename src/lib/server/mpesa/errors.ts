/**
 * Typed failures of the Daraja client, so callers can act on them (renew, back off, tell the
 * customer to finish the open prompt, ask the manager to fix credentials). Messages carry only
 * Daraja's own code and text: never the consumer secret, the passkey or a token.
 */

export class DarajaError extends Error {}

/** Daraja answered with an error body `{requestId, errorCode, errorMessage}` (or a non-zero ResponseCode). */
export class DarajaRejected extends DarajaError {
	override readonly name = 'DarajaRejected';

	constructor(
		readonly errorCode: string,
		readonly errorMessage: string,
		readonly httpStatus: number,
		readonly requestId?: string
	) {
		super(`Daraja rejected the request: ${errorCode} ${errorMessage}`);
	}

	/** The gateway reports an expired or voided token with either code (and HTTP 401 or 404). */
	get isInvalidToken(): boolean {
		return this.errorCode === '404.001.03' || this.errorCode === '401.003.01';
	}

	/** System busy or spike arrest: back off and try again. */
	get isBusy(): boolean {
		return this.errorCode === '500.003.02';
	}

	// 500.001.1001 is M-Pesa's catch-all (wrong passkey, unknown merchant, open prompt): only
	// the message tells them apart.
	/** The customer already has a prompt open ("Unable to lock subscriber… already in process"). */
	get isSubscriberLocked(): boolean {
		return (
			this.errorCode === '500.001.1001' &&
			/already in process|lock subscriber/i.test(this.errorMessage)
		);
	}

	/** STK query of a push the customer has not answered yet. */
	get isStillProcessing(): boolean {
		return this.errorCode === '500.001.1001' && /being processed/i.test(this.errorMessage);
	}

	/** Wrong passkey or shortcode: a tenant settings problem, not a customer one. */
	get isMerchantMisconfigured(): boolean {
		return (
			this.errorCode === '500.001.1001' &&
			/wrong credentials|merchant does not exist/i.test(this.errorMessage)
		);
	}

	get isQuotaExceeded(): boolean {
		return this.errorCode === '500.003.03';
	}
}

/** Daraja could not be reached or gave no usable answer: network error, timeout, bare 5xx. */
export class DarajaUnavailable extends DarajaError {
	override readonly name = 'DarajaUnavailable';

	constructor(
		readonly reason: 'network' | 'timeout' | 'http',
		readonly httpStatus?: number,
		detail?: string
	) {
		super(
			`Daraja is unavailable (${reason}${httpStatus ? ` ${httpStatus}` : ''})${detail ? `: ${detail}` : ''}`
		);
	}
}

/** The consumer key/secret pair was refused (400.008.01) or the grant type (400.008.02). */
export class DarajaAuthFailed extends DarajaError {
	override readonly name = 'DarajaAuthFailed';

	constructor(
		readonly errorCode: string,
		readonly errorMessage: string,
		readonly httpStatus: number
	) {
		super(`Daraja refused the consumer key and secret: ${errorCode} ${errorMessage}`);
	}
}

/** Our own input check failed before anything was sent to Daraja. */
export class DarajaInputInvalid extends DarajaError {
	override readonly name = 'DarajaInputInvalid';

	constructor(
		readonly field:
			'phone' | 'amount' | 'accountReference' | 'description' | 'callbackUrl' | 'checkoutRequestId',
		readonly reason: string
	) {
		super(`Invalid ${field}: ${reason}`);
	}
}
