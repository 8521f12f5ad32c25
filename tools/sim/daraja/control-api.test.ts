import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('simulator controls over HTTP', () => {
	let sim: DarajaSim;
	let receiver: Receiver;
	let token: string;
	beforeAll(async () => {
		sim = await startDarajaSim({ callbackDelayMs: 20 });
		receiver = await startReceiver();
		token = await getToken(sim);
	});
	afterAll(async () => {
		await sim.close();
		await receiver.close();
	});

	it('sets a phone outcome, holds the callback and releases it on request', async () => {
		const set = await post(sim, '/simulate/outcome', {
			target: SANDBOX.msisdn,
			resultCode: 1032,
			deliver: 'hold'
		});
		expect(set.status).toBe(200);
		const pushed = await post(
			sim,
			STK_PUSH_PATH,
			stkPushBody(sim, receiver, { CallBackURL: `${receiver.url}/hooks/ctl` }),
			token
		);
		const checkoutId = pushed.body.CheckoutRequestID as string;
		await sim.waitForSettled(checkoutId);

		expect(await (await fetch(`${sim.url}/simulate/held`)).json()).toEqual([checkoutId]);
		const released = await post(sim, '/simulate/release-held', {});
		expect(released.body.deliveries).toHaveLength(1);
		const [callback] = await receiver.waitFor('/hooks/ctl', 1);
		expect(callback?.body).toMatchObject({ Body: { stkCallback: { ResultCode: 1032 } } });

		const pushes = await (await fetch(`${sim.url}/simulate/pushes`)).json();
		expect(pushes[0]).toMatchObject({ checkoutRequestId: checkoutId, status: 'settled' });
	});

	it('refuses a malformed control request with a readable error', async () => {
		const res = await post(sim, '/simulate/outcome', {
			target: SANDBOX.msisdn,
			deliver: 'sometimes'
		});
		expect(res.status).toBe(400);
		expect(res.body.error).toContain('deliver');
		const unknown = await post(sim, '/simulate/outcome', { target: 'nobody', resultCode: 0 });
		expect(unknown.status).toBe(400);
	});

	it('expires tokens, injects faults and resets over HTTP', async () => {
		await post(sim, '/simulate/fault', {
			status: 500,
			errorCode: '500.003.03',
			errorMessage: 'Quota Violation'
		});
		const quota = await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token);
		expect(quota.body.errorCode).toBe('500.003.03');

		await post(sim, '/simulate/expire-tokens', {});
		expect((await post(sim, STK_PUSH_PATH, stkPushBody(sim, receiver), token)).body.errorCode).toBe(
			'404.001.03'
		);

		await post(sim, '/simulate/reset', {});
		expect(sim.pushes).toHaveLength(0);
		expect(sim.deliveries).toHaveLength(0);
	});
});

describe('command line', () => {
	it('starts, prints where it listens and serves tokens', async () => {
		const child = spawn(
			process.execPath,
			[
				'--import',
				'tsx',
				'tools/sim/daraja/cli.ts',
				'--port',
				'0',
				'--key',
				'K',
				'--secret',
				'S',
				'--quiet'
			],
			{ cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] }
		);
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (chunk: Buffer) => {
					out += chunk.toString();
					const match = /listening on (http:\/\/\S+)/.exec(out);
					if (match?.[1]) resolve(match[1]);
				});
				child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
				child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${out}`)));
			});
			const res = await fetch(`${url}/oauth/v1/generate?grant_type=client_credentials`, {
				headers: { Authorization: `Basic ${Buffer.from('K:S').toString('base64')}` }
			});
			expect(res.status).toBe(200);
			expect((await res.json()).expires_in).toBe('3599');
		} finally {
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
		}
	});
});
