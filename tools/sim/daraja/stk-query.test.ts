import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX, stkPassword } from './merchants';
import { startDarajaSim, type DarajaSim } from './server';
import {
	getToken,
	post,
	startReceiver,
	STK_PUSH_PATH,
	STK_QUERY_PATH,
	stkPushBody,
	stkQueryBody,
	type Receiver
} from './test-support';

let sim: DarajaSim;
let receiver: Receiver;
let token: string;

beforeAll(async () => {
	sim = await startDarajaSim({ callbackDelayMs: 20 });
	receiver = await startReceiver();
	token = await getToken(sim);
});
afterEach(() => sim.reset());
afterAll(async () => {
	await sim.close();
	await receiver.close();
});

async function push(): Promise<string> {
	const res = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token);
	expect(res.status).toBe(200);
	return res.body.CheckoutRequestID as string;
}

const query = (checkoutId: string, overrides: Record<string, unknown> = {}) =>
	post(sim, STK_QUERY_PATH, { ...stkQueryBody(sim, checkoutId), ...overrides }, token);

describe('STK query', () => {
	it('answers "The transaction is being processed" while the customer has not answered', async () => {
		sim.setOutcome('next', { delayMs: 10_000 });
		const checkoutId = await push();
		const res = await query(checkoutId);
		expect(res.status).toBe(500);
		expect(res.body).toEqual({
			requestId: expect.any(String),
			errorCode: '500.001.1001',
			errorMessage: 'The transaction is being processed'
		});
	});

	it('reports a success with ResultCode as the string "0"', async () => {
		const checkoutId = await push();
		await sim.waitForSettled(checkoutId);
		const res = await query(checkoutId);
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			ResponseCode: '0',
			ResponseDescription: 'The service request has been accepted successsfully',
			MerchantRequestID: sim.pushes[0]?.merchantRequestId,
			CheckoutRequestID: checkoutId,
			ResultCode: '0',
			ResultDesc: 'The service request is processed successfully.'
		});
	});

	it('settles a push whose callback was never delivered', async () => {
		sim.setOutcome('next', { resultCode: 1032, deliver: 'never' });
		const checkoutId = await push();
		await sim.waitForSettled(checkoutId);
		const res = await query(checkoutId);
		expect(res.body).toMatchObject({ ResultCode: '1032', ResultDesc: 'Request cancelled by user' });
		expect(sim.deliveries).toHaveLength(0);
	});

	it('reports the outcome of a held callback before it is released', async () => {
		sim.setOutcome('next', { resultCode: 1037, deliver: 'hold' });
		const checkoutId = await push();
		await sim.waitForSettled(checkoutId);
		expect((await query(checkoutId)).body.ResultCode).toBe('1037');
	});

	it('refuses an unknown CheckoutRequestID', async () => {
		const res = await query('ws_CO_010120240000000001708374149');
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({
			errorCode: '400.002.02',
			errorMessage: 'Bad Request - Invalid CheckoutRequestID'
		});
	});

	it('refuses a query with a wrong Password', async () => {
		const checkoutId = await push();
		const { Timestamp } = sim.credentials();
		const res = await query(checkoutId, {
			Password: stkPassword(SANDBOX.shortcode, 'nope', Timestamp),
			Timestamp
		});
		expect(res.body).toMatchObject({
			errorCode: '500.001.1001',
			errorMessage: 'Wrong credentials'
		});
	});

	it('refuses a query without a token', async () => {
		const res = await post(sim, STK_QUERY_PATH, stkQueryBody(sim, 'ws_CO_x'));
		expect(res.body.errorCode).toBe('404.001.03');
	});
});
