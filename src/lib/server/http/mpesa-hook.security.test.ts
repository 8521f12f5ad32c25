import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';

const handled = vi.hoisted(() => ({ count: 0 }));
vi.mock('../payments/apply-callbacks', () => ({
	handleMpesaCallback: async () => {
		handled.count++;
		return { status: 200, body: { ResultCode: 0, ResultDesc: 'Accepted' } };
	}
}));

process.env.MPESA_ALLOWED_IPS = '196.201.214.0/24,196.201.213.44';
const { mpesaHook } = await import('./mpesa-hook');
const { sourcesWarning } = await import('../security/safaricom-sources');

function callbackFrom(address: string | Error): RequestEvent {
	return {
		request: new Request('http://127.0.0.1/hooks/daraja/t/k/stk', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		}),
		url: new URL('http://127.0.0.1/hooks/daraja/t/k/stk'),
		params: { tenant: '00000000-0000-4000-8000-000000000000', token: 'k' },
		getClientAddress: () => {
			if (address instanceof Error) throw address;
			return address;
		}
	} as unknown as RequestEvent;
}

describe('M-Pesa callbacks and MPESA_ALLOWED_IPS', () => {
	beforeEach(() => {
		handled.count = 0;
	});

	it('refuses a callback from outside the list before anything is read or stored', async () => {
		for (const address of ['203.0.113.7', '127.0.0.1', '::ffff:10.0.0.1', '196.201.213.45']) {
			const answer = await mpesaHook('stk')(callbackFrom(address));
			expect(answer.status, address).toBe(403);
		}
		// Behind a proxy without the ADDRESS_HEADER it was told to read, the caller is unknown: refused.
		expect(
			(await mpesaHook('c2b-confirmation')(callbackFrom(new Error('no address header')))).status
		).toBe(403);
		expect(handled.count).toBe(0);
	});

	it('hands a callback from Safaricom to the handler', async () => {
		expect((await mpesaHook('stk')(callbackFrom('196.201.214.20'))).status).toBe(200);
		expect((await mpesaHook('c2b-validation')(callbackFrom('::ffff:196.201.213.44'))).status).toBe(
			200
		);
		expect(handled.count).toBe(2);
	});

	it('does not warn at start-up when the list is set', () => {
		expect(sourcesWarning()).toBeNull();
	});
});
