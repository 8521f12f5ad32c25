import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kenyanTimestamp } from './kenya-time';
import { SANDBOX, stkPassword } from './merchants';
import { startDarajaSim, type DarajaSim } from './server';
import {
	getToken,
	post,
	startReceiver,
	STK_PUSH_PATH,
	stkPushBody,
	type Receiver
} from './test-support';

let sim: DarajaSim;
let receiver: Receiver;
let token: string;

beforeAll(async () => {
	sim = await startDarajaSim({
		callbackDelayMs: 20,
		shortcodes: [
			{ shortcode: '5123456', passkey: 'till-passkey', type: 'till', tillNumber: '5123457' }
		]
	});
	receiver = await startReceiver();
	token = await getToken(sim);
});
afterEach(() => sim.reset());
afterAll(async () => {
	await sim.close();
	await receiver.close();
});

const push = (overrides: Record<string, unknown> = {}) =>
	post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver, overrides), token);

/** Password and Timestamp for the sandbox shortcode at an arbitrary moment. */
function signedAt(at: Date): Record<string, string> {
	const Timestamp = kenyanTimestamp(at);
	return { Timestamp, Password: stkPassword(SANDBOX.shortcode, SANDBOX.passkey, Timestamp) };
}

describe('STK push acceptance', () => {
	it('accepts a valid push with the answer Safaricom gives', async () => {
		const res = await push();
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			MerchantRequestID: expect.stringMatching(/^\d{5}-\d{8}-1$/),
			CheckoutRequestID: expect.stringMatching(/^ws_CO_\d{17}708374149$/),
			ResponseCode: '0',
			ResponseDescription: 'Success. Request accepted for processing',
			CustomerMessage: 'Success. Request accepted for processing'
		});
		expect(sim.pushes).toHaveLength(1);
		expect(sim.pushes[0]).toMatchObject({
			amount: 10,
			accountReference: 'ACC1001',
			status: 'pending'
		});
	});

	it('accepts numbers where clients send them as numbers and strings where they send strings', async () => {
		const res = await push({
			BusinessShortCode: 174379,
			PartyB: 174379,
			Amount: '25',
			PartyA: 254708374149,
			PhoneNumber: 254708374149
		});
		expect(res.status).toBe(200);
		expect(sim.pushes[0]?.amount).toBe(25);
	});

	it('accepts a push without TransactionDesc and a Safaricom 2541… number', async () => {
		const res = await push({
			TransactionDesc: undefined,
			PartyA: '254110000001',
			PhoneNumber: '254110000001'
		});
		expect(res.status).toBe(200);
	});
});

describe('STK push field validation', () => {
	it.each([
		['BusinessShortCode of 4 digits', { BusinessShortCode: '1743' }, 'BusinessShortCode'],
		['BusinessShortCode with letters', { BusinessShortCode: '17437a' }, 'BusinessShortCode'],
		['a missing Password', { Password: undefined }, 'Password'],
		['a Timestamp with separators', { Timestamp: '2024-01-01 10:00:00' }, 'Timestamp'],
		['a Timestamp that is not a date', { Timestamp: '20241345250000' }, 'Timestamp'],
		['TransactionType "PayBill"', { TransactionType: 'PayBill' }, 'TransactionType'],
		['Amount 1.5', { Amount: 1.5 }, 'Amount'],
		['Amount "1.5"', { Amount: '1.5' }, 'Amount'],
		['Amount 0', { Amount: 0 }, 'Amount'],
		['Amount -1', { Amount: -1 }, 'Amount'],
		['Amount "ten"', { Amount: 'ten' }, 'Amount'],
		['PartyA 0708374149', { PartyA: '0708374149' }, 'PartyA'],
		['PartyA +254708374149', { PartyA: '+254708374149' }, 'PartyA'],
		['PartyA of 11 digits', { PartyA: '25470837414' }, 'PartyA'],
		['PhoneNumber 254808374149', { PhoneNumber: '254808374149' }, 'PhoneNumber'],
		['PartyB of 8 digits', { PartyB: '17437900' }, 'PartyB'],
		['PartyB that is not the shortcode', { PartyB: '600000' }, 'PartyB'],
		['CallBackURL that is not a URL', { CallBackURL: 'not a url' }, 'CallBackURL'],
		['CallBackURL over ftp', { CallBackURL: 'ftp://example.com/cb' }, 'CallBackURL'],
		[
			'CallBackURL containing mpesa',
			{ CallBackURL: 'https://example.com/mpesa/callback' },
			'CallBackURL'
		],
		[
			'CallBackURL containing M-PESA',
			{ CallBackURL: 'https://example.com/M-PESA/cb' },
			'CallBackURL'
		],
		[
			'CallBackURL containing safaricom',
			{ CallBackURL: 'https://safaricom.example.com/cb' },
			'CallBackURL'
		],
		['CallBackURL containing exec', { CallBackURL: 'https://example.com/execute' }, 'CallBackURL'],
		['CallBackURL containing cmd', { CallBackURL: 'https://example.com/cmd' }, 'CallBackURL'],
		['CallBackURL containing sql', { CallBackURL: 'https://example.com/mysql' }, 'CallBackURL'],
		[
			'CallBackURL containing query',
			{ CallBackURL: 'https://example.com/cb?query=1' },
			'CallBackURL'
		],
		[
			'AccountReference of 13 characters',
			{ AccountReference: 'ABCDEFGHIJKLM' },
			'AccountReference'
		],
		['an empty AccountReference', { AccountReference: '' }, 'AccountReference'],
		['TransactionDesc of 14 characters', { TransactionDesc: 'ABCDEFGHIJKLMN' }, 'TransactionDesc']
	])('refuses %s with 400.002.02', async (_case, overrides, field) => {
		const res = await push(overrides);
		expect(res.status).toBe(400);
		expect(res.body).toEqual({
			requestId: expect.any(String),
			errorCode: '400.002.02',
			errorMessage: `Bad Request - Invalid ${field}`
		});
		expect(sim.pushes).toHaveLength(0);
	});

	it('accepts an AccountReference of exactly 12 characters', async () => {
		expect((await push({ AccountReference: 'ABCDEFGHIJKL' })).status).toBe(200);
	});

	it('refuses a Timestamp in UTC instead of Kenyan time (three hours off)', async () => {
		const utcClock = new Date(Date.now() - 3 * 60 * 60 * 1000);
		const res = await push(signedAt(utcClock));
		expect(res.body.errorMessage).toBe('Bad Request - Invalid Timestamp');
	});

	it('accepts a Timestamp a minute old', async () => {
		expect((await push(signedAt(new Date(Date.now() - 60_000)))).status).toBe(200);
	});

	it('refuses malformed JSON with 400.002.02', async () => {
		const res = await post(sim, STK_PUSH_PATH, '{"BusinessShortCode": 174379,', token);
		expect(res.status).toBe(400);
		expect(res.body.errorCode).toBe('400.002.02');
	});

	it('refuses http callbacks when started for https only', async () => {
		const strict = await startDarajaSim({ allowHttpCallbacks: false });
		try {
			const strictToken = await getToken(strict);
			const res = await post(strict, STK_PUSH_PATH, stkPushBody(strict, receiver), strictToken);
			expect(res.body.errorMessage).toBe('Bad Request - Invalid CallBackURL');
		} finally {
			await strict.close();
		}
	});
});

describe('STK push merchant checks', () => {
	it('refuses a Password made with the wrong passkey with 500.001.1001', async () => {
		const { Timestamp } = sim.credentials();
		const res = await push({
			Password: stkPassword(SANDBOX.shortcode, 'wrong-passkey', Timestamp)
		});
		expect(res.status).toBe(500);
		expect(res.body).toMatchObject({
			errorCode: '500.001.1001',
			errorMessage: 'Wrong credentials'
		});
	});

	it('refuses a Password whose Timestamp differs from the Timestamp field', async () => {
		const other = kenyanTimestamp(new Date(Date.now() - 1000));
		const res = await push({ Password: stkPassword(SANDBOX.shortcode, SANDBOX.passkey, other) });
		expect(res.body.errorMessage).toBe('Wrong credentials');
	});

	it('refuses an unknown shortcode with "Merchant does not exist"', async () => {
		const res = await push({ BusinessShortCode: '999999', PartyB: '999999' });
		expect(res.status).toBe(500);
		expect(res.body).toMatchObject({
			errorCode: '500.001.1001',
			errorMessage: 'Merchant does not exist'
		});
	});

	it('takes any shortcode signed with the sandbox passkey when acceptAnyShortcode is on', async () => {
		const open = await startDarajaSim({ acceptAnyShortcode: true });
		try {
			const res = await post(
				open,
				STK_PUSH_PATH,
				stkPushBody(open, receiver, { ...open.credentials('600123'), PartyB: '600123' }),
				await getToken(open)
			);
			expect(res.status).toBe(200);
		} finally {
			await open.close();
		}
	});

	it('refuses a second push to a phone whose prompt is still open, and allows it once answered', async () => {
		sim.setOutcome(SANDBOX.msisdn, { delayMs: 10_000 });
		const first = await push();
		expect(first.status).toBe(200);
		const second = await push();
		expect(second.status).toBe(500);
		expect(second.body).toMatchObject({
			errorCode: '500.001.1001',
			errorMessage:
				'Unable to lock subscriber, a transaction is already in process for the current subscriber'
		});
		expect((await push({ PartyA: '254711111111', PhoneNumber: '254711111111' })).status).toBe(200);

		await sim.settle(first.body.CheckoutRequestID);
		expect((await push()).status).toBe(200);
	});

	it('answers a paybill push to a till-only shortcode with callback ResultCode 2028', async () => {
		const { Timestamp } = sim.credentials();
		const res = await push({
			CallBackURL: `${receiver.url}/hooks/till`,
			BusinessShortCode: '5123456',
			PartyB: '5123457',
			Timestamp,
			Password: stkPassword('5123456', 'till-passkey', Timestamp),
			TransactionType: 'CustomerPayBillOnline'
		});
		expect(res.status).toBe(200);
		const [callback] = await receiver.waitFor('/hooks/till', 1);
		expect(callback?.body).toMatchObject({
			Body: {
				stkCallback: {
					ResultCode: 2028,
					ResultDesc: 'The request is not permitted according to product assignment'
				}
			}
		});
	});

	it('sends PartyB of a till push to the till number, not the store number', async () => {
		const { Timestamp } = sim.credentials();
		const signed = {
			BusinessShortCode: '5123456',
			Timestamp,
			Password: stkPassword('5123456', 'till-passkey', Timestamp)
		};
		const toStore = await push({
			...signed,
			PartyB: '5123456',
			TransactionType: 'CustomerBuyGoodsOnline'
		});
		expect(toStore.body.errorMessage).toBe('Bad Request - Invalid PartyB');
		const toTill = await push({
			...signed,
			PartyB: '5123457',
			TransactionType: 'CustomerBuyGoodsOnline'
		});
		expect(toTill.status).toBe(200);
	});
});
