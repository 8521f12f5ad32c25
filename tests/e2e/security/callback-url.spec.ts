/**
 * Issue 11 item 2: behind a proxy (PROTOCOL_HEADER / HOST_HEADER, no ORIGIN) a stranger chooses the
 * host the app believes it is served at. The callback URL given to Safaricom (token included) must
 * come from configuration, and callbacks from outside MPESA_ALLOWED_IPS change nothing.
 */
import { expect, test } from '@playwright/test';
import { startOwnServer, type OwnServer } from './own-server';

const FATUMA = { phone: '0712000103', msisdn: '254712000103' };
const FORGED = {
	'x-forwarded-host': 'evil.example',
	'x-forwarded-proto': 'https',
	origin: 'https://evil.example'
};

let server: OwnServer;

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
	test.setTimeout(180_000);
	server = await startOwnServer({
		PROTOCOL_HEADER: 'x-forwarded-proto',
		HOST_HEADER: 'x-forwarded-host',
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1',
		MPESA_ALLOWED_IPS: '196.201.214.0/24, 2001:db8::/32'
	});
});

test.afterAll(async () => {
	await server?.stop();
});

function form(fields: Record<string, string>) {
	return new URLSearchParams(fields).toString();
}

test('a top-up with a forged X-Forwarded-Host gives Safaricom the configured callback URL, and a callback from outside the allowlist is refused', async ({
	playwright
}) => {
	const api = await playwright.request.newContext({
		baseURL: server.url,
		extraHTTPHeaders: { ...FORGED, 'x-forwarded-for': '203.0.113.7' }
	});
	const post = (action: string, fields: Record<string, string>) =>
		api.post(`/pay/nyota?/${action}`, {
			data: form(fields),
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			maxRedirects: 0
		});

	const found = await post('find', { account: FATUMA.phone });
	expect(found.status()).toBe(200);
	const page = await found.text();
	const packageId = page.match(
		/name="packageId"[^>]*value="([0-9a-f-]{36})"|value="([0-9a-f-]{36})"[^>]*name="packageId"/
	);
	const account = page.match(
		/type="hidden" name="account" value="([^"]+)"|name="account"[^>]*type="hidden"[^>]*value="([^"]+)"/
	);
	expect(packageId, 'the found page offers a package').not.toBeNull();
	expect(account, 'the found page keeps the account').not.toBeNull();

	const paid = await post('pay', {
		account: account![1] ?? account![2]!,
		packageId: packageId![1] ?? packageId![2]!,
		phone: FATUMA.phone
	});
	expect(paid.status()).toBe(303);
	const statusPath = paid.headers()['location'] ?? '';
	expect(statusPath).toMatch(/^\/pay\/nyota\/status\/[0-9a-f-]{36}$/);

	const sim = `http://127.0.0.1:${server.mpesaPort}`;
	const pushes = (await (await fetch(`${sim}/simulate/pushes`)).json()) as {
		phoneNumber: string;
		callbackUrl: string;
	}[];
	const push = pushes.filter((p) => p.phoneNumber === FATUMA.msisdn).at(-1);
	expect(push?.callbackUrl).toMatch(
		new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/hooks/daraja/`)
	);
	expect(push?.callbackUrl).not.toContain('evil.example');

	// The simulator calls back from 127.0.0.1 with no X-Forwarded-For: outside the allowlist.
	await expect
		.poll(
			async () => {
				const deliveries = (await (await fetch(`${sim}/simulate/deliveries`)).json()) as {
					url: string;
					status: number | null;
				}[];
				return deliveries.find((d) => d.url === push!.callbackUrl)?.status;
			},
			{ timeout: 20_000 }
		)
		.toBe(403);
	const hook = (address: string) =>
		fetch(push!.callbackUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
			body: '{}'
		});
	expect((await hook('10.0.0.9')).status).toBe(403);
	expect((await hook('2001:db9::1')).status).toBe(403);
	// From an allowed address the same body reaches the handler (and is refused there as malformed).
	expect((await hook('196.201.214.9')).status).toBe(400);
	expect((await hook('2001:db8::9')).status).toBe(400);

	const state = (await (await fetch(`${server.url}${statusPath}/state.json`)).json()) as {
		status: string;
	};
	expect(state.status).toBe('pending');
	await api.dispose();
});
