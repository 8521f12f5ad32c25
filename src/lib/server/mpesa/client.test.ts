import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX, startDarajaSim, type DarajaSim } from '../../../../tools/sim/daraja';
import { parseStkCallback } from './parse-callbacks';
import { createDarajaClient, type DarajaClientOptions } from './client';
import { DarajaAuthFailed, DarajaInputInvalid, DarajaRejected, DarajaUnavailable } from './errors';
import { recordingFetch, startCallbackReceiver, type CallbackReceiver } from '../testing/mpesa';

const STK_PATH = '/mpesa/stkpush/v1/processrequest';
const TOKEN_PATH = '/oauth/v1/generate';
const FAST_BACKOFF = { baseDelayMs: 5, maxDelayMs: 20 };

let sim: DarajaSim;
let receiver: CallbackReceiver;

beforeAll(async () => {
	sim = await startDarajaSim({ callbackDelayMs: 30 });
	receiver = await startCallbackReceiver();
});
afterEach(() => sim.reset());
afterAll(async () => {
	await sim.close();
	await receiver.close();
});

function client(overrides: Partial<DarajaClientOptions> = {}) {
	return createDarajaClient({
		baseUrl: sim.url,
		consumerKey: 'tenant-key',
		consumerSecret: 'tenant-secret',
		shortcode: SANDBOX.shortcode,
		passkey: SANDBOX.passkey,
		transactionType: 'CustomerPayBillOnline',
		busyBackoff: FAST_BACKOFF,
		...overrides
	});
}

const push = (overrides: Record<string, unknown> = {}) => ({
	phone: '0708 374 149',
	amount: 50,
	accountReference: 'MT-0012',
	description: 'Internet',
	callbackUrl: `${receiver.url}/hooks/stk/tenant-token`,
	...overrides
});

describe('OAuth tokens', () => {
	it('fetches a token once and reuses it for later calls', async () => {
		const recorder = recordingFetch();
		const daraja = client({ fetch: recorder.fetch });
		const first = await daraja.getToken();
		expect(await daraja.getToken()).toBe(first);
		await daraja.stkPush(push());
		expect(recorder.paths.filter((p) => p === TOKEN_PATH)).toHaveLength(1);
	});

	it('shares one token request between callers arriving together', async () => {
		const recorder = recordingFetch();
		const daraja = client({ fetch: recorder.fetch });
		const tokens = await Promise.all([daraja.getToken(), daraja.getToken(), daraja.getToken()]);
		expect(new Set(tokens).size).toBe(1);
		expect(recorder.paths.filter((p) => p === TOKEN_PATH)).toHaveLength(1);
	});

	it('renews an expired token once and retries the call once', async () => {
		const recorder = recordingFetch();
		const daraja = client({ fetch: recorder.fetch });
		const before = await daraja.getToken();
		sim.expireTokens();
		const accepted = await daraja.stkPush(push());
		expect(accepted.checkoutRequestId).toMatch(/^ws_CO_/);
		expect(await daraja.getToken()).not.toBe(before);
		expect(recorder.paths).toEqual([TOKEN_PATH, STK_PATH, TOKEN_PATH, STK_PATH]);
	});

	it('renews a token that is about to expire without waiting for a refusal', async () => {
		const shortSim = await startDarajaSim({ tokenTtlMs: 30_000 });
		try {
			const recorder = recordingFetch();
			const daraja = client({ baseUrl: shortSim.url, fetch: recorder.fetch });
			await daraja.getToken();
			await daraja.getToken();
			// 30 s lifetime is inside the 60 s renewal margin, so each call renews.
			expect(recorder.paths.filter((p) => p === TOKEN_PATH)).toHaveLength(2);
		} finally {
			await shortSim.close();
		}
	});

	it('reports a wrong consumer secret as DarajaAuthFailed without leaking it', async () => {
		const strictSim = await startDarajaSim({
			consumerKey: 'real-key',
			consumerSecret: 'real-secret-123'
		});
		try {
			const daraja = client({
				baseUrl: strictSim.url,
				consumerKey: 'real-key',
				consumerSecret: 'wrong-secret-xyz'
			});
			const error = await daraja.stkPush(push()).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(DarajaAuthFailed);
			expect((error as DarajaAuthFailed).errorCode).toBe('400.008.01');
			expect(String(error)).not.toContain('wrong-secret-xyz');
			expect(strictSim.pushes).toHaveLength(0);

			const check = await daraja.testCredentials();
			expect(check.ok).toBe(false);
			expect(!check.ok && check.error).toBeInstanceOf(DarajaAuthFailed);

			const good = client({
				baseUrl: strictSim.url,
				consumerKey: 'real-key',
				consumerSecret: 'real-secret-123'
			});
			expect(await good.testCredentials()).toEqual({ ok: true });
		} finally {
			await strictSim.close();
		}
	});
});

describe('STK push', () => {
	it('sends a push whose callback reaches our receiver and parses', async () => {
		const daraja = client();
		const accepted = await daraja.stkPush(push());
		expect(accepted.merchantRequestId).not.toBe('');
		expect(accepted.customerMessage).toMatch(/accepted/i);
		expect(sim.pushes[0]).toMatchObject({
			phoneNumber: SANDBOX.msisdn,
			amount: 50,
			accountReference: 'MT-0012'
		});

		const body = await receiver.waitFor((b) =>
			JSON.stringify(b).includes(accepted.checkoutRequestId)
		);
		const parsed = parseStkCallback(body);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.value).toMatchObject({
			checkoutRequestId: accepted.checkoutRequestId,
			merchantRequestId: accepted.merchantRequestId,
			resultCode: 0,
			amount: 50,
			phone: SANDBOX.msisdn
		});
		expect(parsed.value.receipt).toMatch(/^[A-Z0-9]{10}$/);
		expect(parsed.value.transactionDate).toBeInstanceOf(Date);
	});

	it('sends buy-goods pushes to the till number', async () => {
		const tillSim = await startDarajaSim({
			callbackDelayMs: 30,
			shortcodes: [
				{ shortcode: '5544332', passkey: 'till-passkey', type: 'till', tillNumber: '998877' }
			]
		});
		try {
			const daraja = client({
				baseUrl: tillSim.url,
				shortcode: '5544332',
				passkey: 'till-passkey',
				transactionType: 'CustomerBuyGoodsOnline',
				partyB: '998877'
			});
			await daraja.stkPush(push());
			expect(tillSim.pushes[0]).toMatchObject({
				partyB: '998877',
				transactionType: 'CustomerBuyGoodsOnline'
			});
		} finally {
			await tillSim.close();
		}
	});

	it.each([
		['a phone that is not Kenyan mobile', { phone: '0201234567' }, 'phone'],
		['an amount of zero', { amount: 0 }, 'amount'],
		['a fractional amount', { amount: 10.5 }, 'amount'],
		['a 13-character account reference', { accountReference: 'ABCDEFGHIJKLM' }, 'accountReference'],
		['a 14-character description', { description: 'Internet plans' }, 'description']
	])('rejects %s locally without calling Daraja', async (_name, overrides, field) => {
		const recorder = recordingFetch();
		const daraja = client({ fetch: recorder.fetch });
		const error = await daraja.stkPush(push(overrides)).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DarajaInputInvalid);
		expect((error as DarajaInputInvalid).field).toBe(field);
		expect(sim.pushes).toHaveLength(0);
		expect(recorder.paths).toHaveLength(0);
	});

	it('tells a second push to a phone with an open prompt apart as subscriber locked', async () => {
		const daraja = client();
		sim.setOutcome(SANDBOX.msisdn, { delayMs: 5_000 });
		await daraja.stkPush(push());
		const error = await daraja.stkPush(push()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DarajaRejected);
		expect((error as DarajaRejected).isSubscriberLocked).toBe(true);
	});

	it('never puts the passkey, secret or token in an error message', async () => {
		const daraja = client({ passkey: 'not-the-real-passkey' });
		const token = await daraja.getToken();
		const error = await daraja.stkPush(push()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DarajaRejected);
		expect((error as DarajaRejected).isMerchantMisconfigured).toBe(true);
		const shown = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
		for (const secret of ['not-the-real-passkey', 'tenant-secret', token])
			expect(shown).not.toContain(secret);
	});
});

describe('STK query', () => {
	it('reports pending while the customer has not answered, then the settled result', async () => {
		const daraja = client();
		sim.setOutcome(SANDBOX.msisdn, { resultCode: 1032, delayMs: 60_000 });
		const { checkoutRequestId } = await daraja.stkPush(push());
		expect(await daraja.stkQuery(checkoutRequestId)).toEqual({ status: 'pending' });
		await sim.settle(checkoutRequestId);
		expect(await daraja.stkQuery(checkoutRequestId)).toEqual({
			status: 'settled',
			resultCode: 1032,
			resultDesc: expect.stringMatching(/cancelled/i)
		});
	});
});

describe('busy gateway', () => {
	it('backs off and succeeds when Daraja is busy twice', async () => {
		const daraja = client();
		await daraja.getToken();
		sim.injectFault({
			path: STK_PATH,
			status: 503,
			errorCode: '500.003.02',
			errorMessage: 'System is busy',
			times: 2
		});
		const accepted = await daraja.stkPush(push());
		expect(accepted.checkoutRequestId).toMatch(/^ws_CO_/);
		expect(sim.pushes).toHaveLength(1);
	});

	it('gives up with DarajaRejected after three retries when Daraja stays busy', async () => {
		const recorder = recordingFetch();
		const daraja = client({ fetch: recorder.fetch });
		await daraja.getToken();
		sim.injectFault({
			path: STK_PATH,
			status: 503,
			errorCode: '500.003.02',
			errorMessage: 'Spike arrest',
			times: 100
		});
		const error = await daraja.stkPush(push()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DarajaRejected);
		expect((error as DarajaRejected).isBusy).toBe(true);
		expect(recorder.paths.filter((p) => p === STK_PATH)).toHaveLength(4);
	});

	it('reports an unreachable Daraja as DarajaUnavailable', async () => {
		const daraja = client({ baseUrl: 'http://127.0.0.1:1' });
		const error = await daraja.getToken().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DarajaUnavailable);
		expect((error as DarajaUnavailable).reason).toBe('network');
	});

	it('reports a bare 5xx as DarajaUnavailable', async () => {
		const daraja = client();
		await daraja.getToken();
		sim.injectFault({ path: STK_PATH, status: 502, errorCode: '', errorMessage: '' });
		const error = await daraja.stkPush(push()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DarajaUnavailable);
	});
});

describe('C2B registration', () => {
	it('registers the confirmation and validation URLs for the shortcode', async () => {
		const daraja = client();
		const registered = await daraja.registerC2bUrls({
			confirmationUrl: `${receiver.url}/hooks/c2b/confirm/t1`,
			validationUrl: `${receiver.url}/hooks/c2b/validate/t1`,
			responseType: 'Completed'
		});
		expect(registered.responseDescription).toMatch(/success/i);
		expect(sim.registrations).toHaveLength(1);
	});
});
