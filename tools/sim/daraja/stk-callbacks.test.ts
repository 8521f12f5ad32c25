import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kenyanTimestamp } from './kenya-time';
import { SANDBOX } from './merchants';
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
let hook: string;
let hookCount = 0;

beforeAll(async () => {
	sim = await startDarajaSim({ callbackDelayMs: 20 });
	receiver = await startReceiver();
	token = await getToken(sim);
});
// Each test listens on its own path, so a late callback of one test cannot leak into the next.
beforeEach(() => {
	hook = `/hooks/stk-${++hookCount}`;
});
afterEach(() => sim.reset());
afterAll(async () => {
	await sim.close();
	await receiver.close();
});

async function push(phone: string = SANDBOX.msisdn, amount = 10): Promise<string> {
	const res = await post(
		sim,
		STK_PUSH_PATH,
		stkPushBody(sim, receiver, {
			PartyA: phone,
			PhoneNumber: phone,
			Amount: amount,
			CallBackURL: `${receiver.url}${hook}`
		}),
		token
	);
	expect(res.status).toBe(200);
	return res.body.CheckoutRequestID as string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('STK callback on success', () => {
	it('posts the exact callback shape Safaricom sends, numbers as JSON numbers', async () => {
		const before = kenyanTimestamp();
		const checkoutId = await push(SANDBOX.msisdn, 150);
		const [received] = await receiver.waitFor(hook, 1);
		const push0 = sim.pushes[0];
		expect(received?.body).toEqual({
			Body: {
				stkCallback: {
					MerchantRequestID: push0?.merchantRequestId,
					CheckoutRequestID: checkoutId,
					ResultCode: 0,
					ResultDesc: 'The service request is processed successfully.',
					CallbackMetadata: {
						Item: [
							{ Name: 'Amount', Value: 150 },
							{
								Name: 'MpesaReceiptNumber',
								Value: expect.stringMatching(/^[A-Z][A-L][1-9A-V][A-Z0-9]{7}$/)
							},
							{ Name: 'Balance' },
							{ Name: 'TransactionDate', Value: expect.any(Number) },
							{ Name: 'PhoneNumber', Value: 254708374149 }
						]
					}
				}
			}
		});
		const items = (
			received?.body as {
				Body: {
					stkCallback: { CallbackMetadata: { Item: Array<{ Name: string; Value?: unknown }> } };
				};
			}
		).Body.stkCallback.CallbackMetadata.Item;
		const date = String(items.find((i) => i.Name === 'TransactionDate')?.Value);
		expect(date).toMatch(/^\d{14}$/);
		// Kenyan wall-clock time, not UTC.
		expect(date >= before && date <= kenyanTimestamp()).toBe(true);
	});

	it('hands out a different receipt number for every payment', async () => {
		const phones = Array.from({ length: 8 }, (_, i) => `25471000000${i}`);
		for (const phone of phones) await push(phone);
		const received = await receiver.waitFor(hook, phones.length);
		const receipts = received.map(
			(r) =>
				(
					r.body as {
						Body: {
							stkCallback: { CallbackMetadata: { Item: Array<{ Name: string; Value?: unknown }> } };
						};
					}
				).Body.stkCallback.CallbackMetadata.Item[1]?.Value
		);
		expect(new Set(receipts).size).toBe(phones.length);
	});
});

describe('STK callback when the customer does not pay', () => {
	it.each([
		[1032, 'Request cancelled by user'],
		[1037, 'DS timeout user cannot be reached'],
		[1, 'The balance is insufficient for the transaction.'],
		[2001, 'The initiator information is invalid.'],
		[1019, 'Transaction has expired']
	])('reports ResultCode %i without CallbackMetadata', async (resultCode, resultDesc) => {
		sim.setOutcome(SANDBOX.msisdn, { resultCode });
		const checkoutId = await push();
		const [received] = await receiver.waitFor(hook, 1);
		expect(received?.body).toEqual({
			Body: {
				stkCallback: {
					MerchantRequestID: expect.any(String),
					CheckoutRequestID: checkoutId,
					ResultCode: resultCode,
					ResultDesc: resultDesc
				}
			}
		});
	});

	it('passes through any other code with the text a test chooses', async () => {
		sim.setOutcome('next', { resultCode: 17, resultDesc: 'Rule limited.' });
		await push();
		const [received] = await receiver.waitFor(hook, 1);
		expect(received?.body).toMatchObject({
			Body: { stkCallback: { ResultCode: 17, ResultDesc: 'Rule limited.' } }
		});
	});

	it("uses a 'next' rule for one push only, before the phone's own rule", async () => {
		sim.setOutcome(SANDBOX.msisdn, { resultCode: 1 });
		sim.setOutcome('next', { resultCode: 1032 });
		const first = await push();
		await sim.waitForSettled(first);
		const second = await push();
		await sim.waitForSettled(second);
		expect(sim.pushes.map((p) => p.result?.resultCode)).toEqual([1032, 1]);
	});

	it("changes a pending push's outcome by its CheckoutRequestID", async () => {
		sim.setOutcome('default', { delayMs: 5_000 });
		const checkoutId = await push();
		sim.setOutcome(checkoutId, { resultCode: 1037, delayMs: 0 });
		const settled = await sim.waitForSettled(checkoutId, 1000);
		expect(settled.result?.resultCode).toBe(1037);
	});
});

describe('STK callback delivery faults', () => {
	it('delivers the same callback twice when asked', async () => {
		sim.setOutcome('next', { deliver: 'twice' });
		await push();
		const received = await receiver.waitFor(hook, 2);
		expect(received[0]?.body).toEqual(received[1]?.body);
		expect(await sim.waitForDeliveries(2, { kind: 'stk' })).toHaveLength(2);
	});

	it('delivers N copies when deliver is a number', async () => {
		sim.setOutcome('next', { deliver: 3 });
		await push();
		expect(await receiver.waitFor(hook, 3)).toHaveLength(3);
	});

	it('waits delayMs before the customer answers', async () => {
		sim.setOutcome('next', { delayMs: 150 });
		const started = Date.now();
		await push();
		const [received] = await receiver.waitFor(hook, 1);
		expect((received?.at ?? 0) - started).toBeGreaterThanOrEqual(140);
	});

	it('never delivers when told so, while the outcome is still fixed', async () => {
		sim.setOutcome('next', { deliver: 'never', resultCode: 1032 });
		const checkoutId = await push();
		const settled = await sim.waitForSettled(checkoutId);
		expect(settled.result?.resultCode).toBe(1032);
		await sleep(60);
		expect(receiver.on(hook)).toHaveLength(0);
		expect(sim.deliveries).toHaveLength(0);
	});

	it('holds callbacks and releases them in reverse order', async () => {
		sim.setOutcome('default', { deliver: 'hold' });
		const first = await push('254711000001');
		const second = await push('254711000002');
		await sim.waitForSettled(first);
		await sim.waitForSettled(second);
		expect(sim.heldCallbacks).toEqual([first, second]);
		expect(receiver.on(hook)).toHaveLength(0);

		await sim.releaseHeld('reverse');
		const ids = receiver
			.on(hook)
			.map(
				(r) =>
					(r.body as { Body: { stkCallback: { CheckoutRequestID: string } } }).Body.stkCallback
						.CheckoutRequestID
			);
		expect(ids).toEqual([second, first]);
		expect(sim.heldCallbacks).toEqual([]);
	});

	it('releases only the held callbacks named, in the order named', async () => {
		sim.setOutcome('default', { deliver: 'hold', delayMs: 0 });
		const ids = [
			await push('254711000001'),
			await push('254711000002'),
			await push('254711000003')
		];
		for (const id of ids) await sim.waitForSettled(id);
		const sent = await sim.releaseHeld([ids[2] as string, ids[0] as string]);
		expect(sent.map((d) => d.ref)).toEqual([ids[2], ids[0]]);
		expect(sim.heldCallbacks).toEqual([ids[1]]);
	});

	it('logs what the merchant answered and does not retry a failed callback', async () => {
		receiver.answer(hook, { status: 500, body: { error: 'boom' } });
		const checkoutId = await push();
		await receiver.waitFor(hook, 1);
		await sleep(60);
		expect(receiver.on(hook)).toHaveLength(1);
		expect(sim.deliveries).toEqual([
			expect.objectContaining({
				kind: 'stk',
				ref: checkoutId,
				url: `${receiver.url}${hook}`,
				status: 500,
				responseBody: '{"error":"boom"}'
			})
		]);
	});

	it('logs an unreachable callback URL with no status', async () => {
		const res = await post(
			sim,
			STK_PUSH_PATH,
			stkPushBody(sim, receiver, { CallBackURL: 'http://127.0.0.1:9/hooks/closed' }),
			token
		);
		const [delivery] = await sim.waitForDeliveries(1, { ref: res.body.CheckoutRequestID });
		expect(delivery).toMatchObject({ status: null, timedOut: false, error: expect.any(String) });
	});
});
