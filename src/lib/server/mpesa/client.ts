/**
 * Daraja (M-Pesa) client for one tenant's credentials: OAuth, STK push and query, C2B URL
 * registration. Server-only; relative imports so scripts can run it under tsx too.
 */
import { DarajaError, DarajaRejected } from './errors';
import { darajaTimestamp, stkPassword } from './kenya-time';
import { checkStkPush, type StkPushInput } from './stk-input';
import { TokenCache, readTokenAnswer } from './token-cache';
import {
	sendDarajaRequest,
	withBusyBackoff,
	type BackoffOptions,
	type JsonObject
} from './transport';

export type TransactionType = 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';

export interface DarajaClientOptions {
	/** https://sandbox.safaricom.co.ke, https://api.safaricom.co.ke or a simulator. */
	baseUrl: string;
	consumerKey: string;
	consumerSecret: string;
	/** The paybill, or for buy goods the store number. */
	shortcode: string;
	passkey: string;
	transactionType: TransactionType;
	/** The till number for buy goods; defaults to the shortcode. */
	partyB?: string;
	timeoutMs?: number;
	/** Back-off for 500.003.02; tests shorten the delays. */
	busyBackoff?: BackoffOptions;
	fetch?: typeof fetch;
	/** Clock for Timestamp and token expiry. */
	now?: () => Date;
}

export interface StkPushAccepted {
	merchantRequestId: string;
	checkoutRequestId: string;
	customerMessage: string;
}

export type StkQueryResult =
	{ status: 'pending' } | { status: 'settled'; resultCode: number; resultDesc: string };

export interface C2bRegistrationInput {
	confirmationUrl: string;
	validationUrl: string;
	/** What Safaricom does when our validation URL does not answer in time. */
	responseType: 'Completed' | 'Cancelled';
}

export interface C2bRegistered {
	originatorConversationId: string;
	responseDescription: string;
}

export type CredentialsCheck = { ok: true } | { ok: false; error: DarajaError };

export interface DarajaClient {
	getToken(): Promise<string>;
	stkPush(input: StkPushInput): Promise<StkPushAccepted>;
	stkQuery(checkoutRequestId: string): Promise<StkQueryResult>;
	registerC2bUrls(input: C2bRegistrationInput): Promise<C2bRegistered>;
	testCredentials(): Promise<CredentialsCheck>;
}

const PATHS = {
	token: '/oauth/v1/generate?grant_type=client_credentials',
	stkPush: '/mpesa/stkpush/v1/processrequest',
	stkQuery: '/mpesa/stkpushquery/v1/query',
	c2bRegister: '/mpesa/c2b/v1/registerurl'
} as const;

export function createDarajaClient(options: DarajaClientOptions): DarajaClient {
	const now = options.now ?? (() => new Date());
	const transport = {
		baseUrl: options.baseUrl,
		timeoutMs: options.timeoutMs ?? 10_000,
		fetch: options.fetch ?? globalThis.fetch
	};
	const cacheKey = `${options.baseUrl}|${options.consumerKey}`;
	const basic = `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString('base64')}`;

	const tokens = new TokenCache(
		async () =>
			readTokenAnswer(
				await withBusyBackoff(
					() =>
						sendDarajaRequest(transport, {
							method: 'GET',
							path: PATHS.token,
							authorization: basic
						}),
					options.busyBackoff
				)
			),
		() => now().getTime()
	);

	/** An authorised call: backs off while busy, renews the token once if Daraja says it is invalid. */
	async function call(path: string, body: JsonObject): Promise<JsonObject> {
		const attempt = async (): Promise<JsonObject> => {
			const token = await tokens.get(cacheKey);
			try {
				return await sendDarajaRequest(transport, {
					method: 'POST',
					path,
					authorization: `Bearer ${token}`,
					body
				});
			} catch (error) {
				if (error instanceof DarajaRejected && error.isInvalidToken)
					tokens.invalidate(cacheKey, token);
				throw error;
			}
		};
		try {
			return await withBusyBackoff(attempt, options.busyBackoff);
		} catch (error) {
			if (!(error instanceof DarajaRejected) || !error.isInvalidToken) throw error;
			return withBusyBackoff(attempt, options.busyBackoff);
		}
	}

	function stkCredentials(): { BusinessShortCode: string; Password: string; Timestamp: string } {
		const timestamp = darajaTimestamp(now());
		return {
			BusinessShortCode: options.shortcode,
			Password: stkPassword(options.shortcode, options.passkey, timestamp),
			Timestamp: timestamp
		};
	}

	return {
		getToken: () => tokens.get(cacheKey),

		async stkPush(input) {
			const push = checkStkPush(input);
			const answer = await call(PATHS.stkPush, {
				...stkCredentials(),
				TransactionType: options.transactionType,
				Amount: push.amount,
				PartyA: push.msisdn,
				PartyB: options.partyB ?? options.shortcode,
				PhoneNumber: push.msisdn,
				CallBackURL: push.callbackUrl,
				AccountReference: push.accountReference,
				TransactionDesc: push.description
			});
			assertResponseCodeZero(answer);
			return {
				merchantRequestId: text(answer.MerchantRequestID),
				checkoutRequestId: text(answer.CheckoutRequestID),
				customerMessage: text(answer.CustomerMessage)
			};
		},

		async stkQuery(checkoutRequestId) {
			let answer: JsonObject;
			try {
				answer = await call(PATHS.stkQuery, {
					...stkCredentials(),
					CheckoutRequestID: checkoutRequestId
				});
			} catch (error) {
				// Daraja answers "still waiting for the customer" with an error body.
				if (error instanceof DarajaRejected && error.isStillProcessing)
					return { status: 'pending' };
				throw error;
			}
			assertResponseCodeZero(answer);
			// ResultCode is a string here, a number in the callback.
			const resultCode = Number(answer.ResultCode);
			if (
				answer.ResultCode === undefined ||
				answer.ResultCode === '' ||
				!Number.isInteger(resultCode)
			) {
				return { status: 'pending' };
			}
			return { status: 'settled', resultCode, resultDesc: text(answer.ResultDesc) };
		},

		async registerC2bUrls(input) {
			const answer = await call(PATHS.c2bRegister, {
				ShortCode: options.shortcode,
				ResponseType: input.responseType,
				ConfirmationURL: input.confirmationUrl,
				ValidationURL: input.validationUrl
			});
			assertResponseCodeZero(answer);
			return {
				// Daraja's own spelling, "Coversation".
				originatorConversationId: text(
					answer.OriginatorCoversationID ?? answer.OriginatorConversationID
				),
				responseDescription: text(answer.ResponseDescription)
			};
		},

		async testCredentials() {
			try {
				await tokens.renew(cacheKey);
				return { ok: true };
			} catch (error) {
				// Any typed failure, a refused base URL included; anything else is a bug.
				if (error instanceof DarajaError) {
					return { ok: false, error };
				}
				throw error;
			}
		}
	};
}

function assertResponseCodeZero(answer: JsonObject): void {
	if (answer.ResponseCode === undefined || String(answer.ResponseCode) === '0') return;
	throw new DarajaRejected(String(answer.ResponseCode), text(answer.ResponseDescription), 200);
}

const text = (value: unknown): string =>
	typeof value === 'string' ? value : value == null ? '' : String(value);
