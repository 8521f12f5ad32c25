import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDarajaSim, type DarajaSim } from './server';
import {
	getToken,
	post,
	startReceiver,
	STK_PUSH_PATH,
	stkPushBody,
	type Receiver
} from './test-support';

function generate(sim: DarajaSim, authorization: string | undefined, grant = 'client_credentials') {
	return fetch(`${sim.url}/oauth/v1/generate?grant_type=${grant}`, {
		headers: authorization ? { Authorization: authorization } : {}
	});
}

const basic = (key: string, secret: string): string =>
	`Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

describe('OAuth tokens', () => {
	let sim: DarajaSim;
	let receiver: Receiver;
	beforeAll(async () => {
		sim = await startDarajaSim({
			consumerKey: 'KEY',
			consumerSecret: 'SECRET',
			callbackDelayMs: 20
		});
		receiver = await startReceiver();
	});
	afterAll(async () => {
		await sim.close();
		await receiver.close();
	});

	it('issues a token with expires_in as the string "3599"', async () => {
		const res = await generate(sim, basic('KEY', 'SECRET'));
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body).toEqual({
			access_token: expect.stringMatching(/^[A-Za-z0-9]{28}$/),
			expires_in: '3599'
		});
	});

	it('refuses a grant type other than client_credentials with 400.008.02', async () => {
		const res = await generate(sim, basic('KEY', 'SECRET'), 'password');
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			errorCode: '400.008.02',
			requestId: expect.any(String)
		});
	});

	it.each([
		['a wrong secret', basic('KEY', 'WRONG')],
		['an unknown key', basic('OTHER', 'SECRET')],
		['no Authorization header', undefined],
		['a Bearer header', 'Bearer abc'],
		['Basic without a colon', `Basic ${Buffer.from('KEYSECRET').toString('base64')}`]
	])('refuses %s with 400.008.01', async (_case, header) => {
		const res = await generate(sim, header);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			errorCode: '400.008.01',
			errorMessage: 'Invalid Authentication passed'
		});
	});

	it('refuses API calls without a token with 404.001.03 and HTTP 401', async () => {
		const res = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver));
		expect(res.status).toBe(401);
		expect(res.body).toMatchObject({
			errorCode: '404.001.03',
			errorMessage: 'Invalid Access Token'
		});
	});

	it('voids the previous token of a key when a new one is issued', async () => {
		const first = await getToken(sim, 'KEY', 'SECRET');
		const second = await getToken(sim, 'KEY', 'SECRET');
		expect((await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), first)).body.errorCode).toBe(
			'404.001.03'
		);
		expect((await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), second)).status).toBe(200);
		sim.reset();
	});

	it('stops accepting every token after expireTokens()', async () => {
		const token = await getToken(sim, 'KEY', 'SECRET');
		sim.expireTokens();
		const res = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token);
		expect(res.body.errorCode).toBe('404.001.03');
	});

	it('answers an unknown path with 404.001.01 and a wrong method with 405.001', async () => {
		const unknown = await fetch(`${sim.url}/mpesa/nothing/v1`);
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({ errorCode: '404.001.01' });
		const wrongMethod = await fetch(`${sim.url}${STK_PUSH_PATH}`);
		expect(wrongMethod.status).toBe(405);
		expect(await wrongMethod.json()).toMatchObject({ errorCode: '405.001' });
	});
});

describe('OAuth token lifetime and options', () => {
	it('lets a token expire after tokenTtlMs', async () => {
		const sim = await startDarajaSim({ tokenTtlMs: 60 });
		const receiver = await startReceiver();
		try {
			const token = await getToken(sim);
			await new Promise((r) => setTimeout(r, 100));
			const res = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token);
			expect(res.status).toBe(401);
			expect(res.body.errorCode).toBe('404.001.03');
		} finally {
			await sim.close();
			await receiver.close();
		}
	});

	it('accepts any key and secret by default, keeps tokens of other keys, and can keep old tokens', async () => {
		const sim = await startDarajaSim({ rotateTokens: false, invalidTokenStatus: 404 });
		const receiver = await startReceiver();
		try {
			const a1 = await getToken(sim, 'tenant-a', 's1');
			const a2 = await getToken(sim, 'tenant-a', 's1');
			const b = await getToken(sim, 'tenant-b', 's2');
			for (const [i, token] of [a1, a2, b].entries()) {
				const phone = `25470000000${i}`;
				const res = await post(
					sim,
					STK_PUSH_PATH,
					stkPushBody(sim, receiver, { PartyA: phone, PhoneNumber: phone }),
					token
				);
				expect(res.status).toBe(200);
			}
			const refused = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), 'made-up');
			expect(refused.status).toBe(404);
			expect(refused.body.errorCode).toBe('404.001.03');
		} finally {
			await sim.close();
			await receiver.close();
		}
	});

	it('answers an injected spike arrest once, before checking anything else', async () => {
		const sim = await startDarajaSim();
		const receiver = await startReceiver();
		try {
			const token = await getToken(sim);
			sim.injectFault({
				path: STK_PUSH_PATH,
				status: 500,
				errorCode: '500.003.02',
				errorMessage: 'Spike arrest violation'
			});
			const busy = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token);
			expect(busy).toMatchObject({ status: 500, body: { errorCode: '500.003.02' } });
			expect((await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token)).status).toBe(200);
		} finally {
			await sim.close();
			await receiver.close();
		}
	});
});
