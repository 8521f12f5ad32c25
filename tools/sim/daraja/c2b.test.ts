import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { C2bPaymentBody } from './c2b';
import { startDarajaSim, type DarajaSim } from './server';
import { getToken, post, startReceiver, type Receiver } from './test-support';

const SHORTCODE = '600984';
const MSISDN = '254708374149';

let sim: DarajaSim;
let receiver: Receiver;
let token: string;
let run = 0;
let validationPath: string;
let confirmationPath: string;

beforeAll(async () => {
	sim = await startDarajaSim({ c2bValidationTimeoutMs: 150 });
	receiver = await startReceiver();
	token = await getToken(sim);
});
// Fresh paths per test: a late POST from one test cannot be counted by another.
beforeEach(() => {
	run++;
	validationPath = `/c2b/${run}/validate`;
	confirmationPath = `/c2b/${run}/confirm`;
});
afterEach(() => sim.reset());
afterAll(async () => {
	await sim.close();
	await receiver.close();
});

function register(overrides: Record<string, unknown> = {}, version = 'v1') {
	return post(
		sim,
		`/mpesa/c2b/${version}/registerurl`,
		{
			ShortCode: SHORTCODE,
			ResponseType: 'Completed',
			ConfirmationURL: `${receiver.url}${confirmationPath}`,
			ValidationURL: `${receiver.url}${validationPath}`,
			...overrides
		},
		token
	);
}

const payment = { ShortCode: SHORTCODE, Amount: 10, Msisdn: MSISDN, BillRefNumber: 'acc 1001 ' };

describe('C2B URL registration', () => {
	it.each(['v1', 'v2'])(
		'registers URLs on %s with the misspelt OriginatorCoversationID',
		async (version) => {
			const res = await register({}, version);
			expect(res.status).toBe(200);
			expect(res.body).toEqual({
				OriginatorCoversationID: expect.any(String),
				ResponseCode: '0',
				ResponseDescription: 'success'
			});
			expect(sim.registrations).toEqual([
				expect.objectContaining({ shortcode: SHORTCODE, responseType: 'Completed' })
			]);
		}
	);

	it.each([
		['a 4-digit ShortCode', { ShortCode: '6009' }, 'ShortCode'],
		['ResponseType "completed"', { ResponseType: 'completed' }, 'ResponseType'],
		[
			'a ConfirmationURL containing mpesa',
			{ ConfirmationURL: 'https://example.com/mpesa/confirm' },
			'ConfirmationURL'
		],
		[
			'a ValidationURL containing query',
			{ ValidationURL: 'https://example.com/query' },
			'ValidationURL'
		],
		['a missing ConfirmationURL', { ConfirmationURL: undefined }, 'ConfirmationURL']
	])('refuses %s with 400.002.02', async (_case, overrides, field) => {
		const res = await register(overrides);
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({
			errorCode: '400.002.02',
			errorMessage: `Bad Request - Invalid ${field}`
		});
	});

	it('needs a token', async () => {
		const res = await post(sim, '/mpesa/c2b/v1/registerurl', { ShortCode: SHORTCODE });
		expect(res.body.errorCode).toBe('404.001.03');
	});

	it('refuses a second registration when started like production', async () => {
		const production = await startDarajaSim({ c2bRegisterOnce: true });
		try {
			const productionToken = await getToken(production);
			const body = {
				ShortCode: SHORTCODE,
				ResponseType: 'Completed',
				ConfirmationURL: `${receiver.url}/c2b/x`
			};
			expect(
				(await post(production, '/mpesa/c2b/v1/registerurl', body, productionToken)).status
			).toBe(200);
			const again = await post(production, '/mpesa/c2b/v1/registerurl', body, productionToken);
			expect(again.body).toMatchObject({
				errorCode: '500.003.1001',
				errorMessage: 'Urls are already registered'
			});
		} finally {
			await production.close();
		}
	});
});

describe('C2B payment from the phone menu', () => {
	it('offers the payment for validation, then confirms it with the full body', async () => {
		await register();
		const result = await sim.payBill(payment);

		expect(result.outcome).toBe('completed');
		expect(result.validation).toMatchObject({ outcome: 'accepted', resultCode: '0' });
		const [validation] = receiver.on(validationPath);
		const [confirmation] = receiver.on(confirmationPath);
		expect(validation!.at).toBeLessThanOrEqual(confirmation!.at);
		const expected: C2bPaymentBody = {
			TransactionType: 'Pay Bill',
			TransID: result.transId,
			TransTime: expect.stringMatching(/^\d{14}$/),
			TransAmount: '10.00',
			BusinessShortCode: SHORTCODE,
			BillRefNumber: 'acc 1001 ',
			InvoiceNumber: '',
			OrgAccountBalance: '',
			ThirdPartyTransID: '',
			MSISDN,
			FirstName: 'John',
			MiddleName: '',
			LastName: 'Doe'
		};
		expect(validation!.body).toEqual(expected);
		expect(confirmation!.body).toEqual({ ...expected, OrgAccountBalance: '10.00' });
		expect(result.transId).toMatch(/^[A-Z][A-L][1-9A-V][A-Z0-9]{7}$/);
		expect(result.confirmation?.status).toBe(200);
	});

	it('grows OrgAccountBalance with every confirmed payment', async () => {
		await register({ ValidationURL: undefined });
		await sim.payBill(payment);
		const second = await sim.payBill({ ...payment, Amount: '250' });
		expect(second.payment.OrgAccountBalance).toBe('260.00');
	});

	it('stops when the validation URL rejects the payment', async () => {
		receiver.answer(validationPath, { body: { ResultCode: 'C2B00012', ResultDesc: 'Rejected' } });
		await register();
		const result = await sim.payBill(payment);
		expect(result).toMatchObject({
			outcome: 'rejected',
			validation: { outcome: 'rejected', resultCode: 'C2B00012', resultDesc: 'Rejected' },
			confirmation: null
		});
		expect(receiver.on(confirmationPath)).toHaveLength(0);
	});

	it('confirms anyway when validation does not answer in time and ResponseType is Completed', async () => {
		receiver.answer(validationPath, { delayMs: 400 });
		await register({ ResponseType: 'Completed' });
		const result = await sim.payBill(payment);
		expect(result.validation.outcome).toBe('no-answer');
		expect(result.validation.delivery?.timedOut).toBe(true);
		expect(result.outcome).toBe('completed');
		expect(receiver.on(confirmationPath)).toHaveLength(1);
	});

	it('drops the payment when validation does not answer in time and ResponseType is Cancelled', async () => {
		receiver.answer(validationPath, { delayMs: 400 });
		await register({ ResponseType: 'Cancelled' });
		const result = await sim.payBill(payment);
		expect(result).toMatchObject({
			outcome: 'cancelled',
			validation: { outcome: 'no-answer' },
			confirmation: null
		});
		expect(receiver.on(confirmationPath)).toHaveLength(0);
	});

	it('treats a validation answer without ResultCode like no answer', async () => {
		receiver.answer(validationPath, { body: { ok: true } });
		await register({ ResponseType: 'Cancelled' });
		expect((await sim.payBill(payment)).outcome).toBe('cancelled');
	});

	it('goes straight to confirmation when no ValidationURL is registered', async () => {
		await register({ ValidationURL: undefined });
		const result = await sim.payBill(payment);
		expect(result.validation.outcome).toBe('skipped');
		expect(receiver.on(confirmationPath)).toHaveLength(1);
	});

	it('tells nobody about a payment to a shortcode without URLs', async () => {
		const result = await sim.payBill(payment);
		expect(result).toMatchObject({ outcome: 'unregistered', confirmation: null });
	});

	it('sends a till payment as "Buy Goods" and can mask or hash the MSISDN', async () => {
		await register({ ValidationURL: undefined });
		const masked = await sim.payBill({
			...payment,
			CommandID: 'CustomerBuyGoodsOnline',
			BillRefNumber: '',
			msisdnFormat: 'masked'
		});
		expect(masked.payment).toMatchObject({
			TransactionType: 'Buy Goods',
			BillRefNumber: '',
			MSISDN: '2547 ***** 149'
		});
		const hashed = await sim.payBill({
			...payment,
			msisdnFormat: 'hashed',
			FirstName: 'Wanjiku',
			LastName: 'Kamau'
		});
		expect(hashed.payment).toMatchObject({
			MSISDN: createHash('sha256').update(MSISDN).digest('hex'),
			FirstName: 'Wanjiku',
			LastName: 'Kamau'
		});
	});

	it('runs the same flow from the sandbox simulate endpoint, after answering', async () => {
		await register();
		const res = await post(
			sim,
			'/mpesa/c2b/v1/simulate',
			{
				ShortCode: SHORTCODE,
				CommandID: 'CustomerPayBillOnline',
				Amount: 5,
				Msisdn: MSISDN,
				BillRefNumber: 'ACC1'
			},
			token
		);
		expect(res.body).toEqual({
			OriginatorCoversationID: expect.any(String),
			ResponseCode: '0',
			ResponseDescription: 'Accept the service request successfully.'
		});
		const [confirmation] = await receiver.waitFor(confirmationPath, 1);
		expect(confirmation?.body).toMatchObject({ TransAmount: '5.00', BillRefNumber: 'ACC1' });
		expect(receiver.on(validationPath)).toHaveLength(1);
	});

	it('refuses a sandbox simulate call with a bad Msisdn or CommandID', async () => {
		const base = {
			ShortCode: SHORTCODE,
			CommandID: 'CustomerPayBillOnline',
			Amount: 5,
			Msisdn: MSISDN,
			BillRefNumber: 'A'
		};
		const badPhone = await post(
			sim,
			'/mpesa/c2b/v1/simulate',
			{ ...base, Msisdn: '0708374149' },
			token
		);
		expect(badPhone.body.errorMessage).toBe('Bad Request - Invalid Msisdn');
		const badCommand = await post(
			sim,
			'/mpesa/c2b/v1/simulate',
			{ ...base, CommandID: 'PayBill' },
			token
		);
		expect(badCommand.body.errorMessage).toBe('Bad Request - Invalid CommandID');
	});

	it('runs a payment from the /simulate/c2b trigger and answers with what happened', async () => {
		await register();
		const res = await post(sim, '/simulate/c2b', payment);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ outcome: 'completed', validation: { outcome: 'accepted' } });
		expect(sim.deliveries.map((d) => d.kind)).toEqual(['c2b-validation', 'c2b-confirmation']);
	});
});
