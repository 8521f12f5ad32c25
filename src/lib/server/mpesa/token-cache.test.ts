import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDarajaClient } from './client';
import { DarajaUnavailable } from './errors';
import { readTokenAnswer } from './token-cache';

describe('token answers', () => {
	it('accepts expires_in as a string (real Daraja) or a number (portal sample)', () => {
		expect(readTokenAnswer({ access_token: 'a', expires_in: '3599' }).expiresInSeconds).toBe(3599);
		expect(readTokenAnswer({ access_token: 'a', expires_in: 3599 }).expiresInSeconds).toBe(3599);
	});

	it('treats an answer without a token as Daraja being unusable', () => {
		expect(() => readTokenAnswer({ expires_in: '3599' })).toThrow(DarajaUnavailable);
	});
});

describe('timeouts', () => {
	it('gives up on a Daraja that never answers and reports DarajaUnavailable', async () => {
		const silent = createServer(() => {
			/* never answers */
		});
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = silent.address() as AddressInfo;
			const daraja = createDarajaClient({
				baseUrl: `http://127.0.0.1:${port}`,
				consumerKey: 'k',
				consumerSecret: 's',
				shortcode: '174379',
				passkey: 'p',
				transactionType: 'CustomerPayBillOnline',
				timeoutMs: 150
			});
			const error = await daraja.getToken().catch((e: unknown) => e);
			expect(error).toBeInstanceOf(DarajaUnavailable);
			expect((error as DarajaUnavailable).reason).toBe('timeout');
		} finally {
			silent.closeAllConnections();
			await new Promise((resolve) => silent.close(resolve));
		}
	});
});
