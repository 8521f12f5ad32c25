import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { LOGINS, apiAs, tenantIds } from '../fixtures/login';

test('a JSON body sent to a form gets a 400 with a field message', async ({ baseURL }) => {
	const anon = await apiAs(playwright, baseURL!);
	const response = await anon.post('/login', { data: { login: 'x', password: 'y' } });
	expect(response.status()).toBe(400);
	expect(await response.json()).toMatchObject({ errors: { body: expect.any(String) } });
	await anon.dispose();
});

test('a 1 MB body gets a 400 and no stack trace', async ({ baseURL }) => {
	const anon = await apiAs(playwright, baseURL!);
	const response = await anon.post('/login', {
		form: { login: 'a'.repeat(1024 * 1024), password: 'x' }
	});
	expect(response.status()).toBe(400);
	const body = await response.text();
	expect(body).not.toMatch(/at \w+ \(|node_modules/);
	await anon.dispose();
});

test('a malformed new tenant is refused field by field and nothing is created', async ({
	baseURL
}) => {
	const admin = await apiAs(playwright, baseURL!, LOGINS.platform);
	const before = Object.keys(await tenantIds(admin)).sort();
	const response = await admin.post('/platform/tenants/new', {
		headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
		form: {
			name: '',
			slug: 'Not A Slug!',
			parentId: 'nope',
			kind: 'castle',
			brandColor: 'green',
			timezone: 'Mars/Olympus',
			managerName: 'X',
			managerContact: '0712'
		}
	});
	const result = await response.json();
	expect(result.status).toBe(400);
	const data = JSON.stringify(result.data);
	for (const text of [
		'This is required.',
		'lower-case letters',
		'Choose a colour',
		'Unknown time zone'
	])
		expect(data).toContain(text);
	expect(Object.keys(await tenantIds(admin)).sort()).toEqual(before);
	await admin.dispose();
});

test('a phone number like 0712 is refused with a clear message', async ({ baseURL }) => {
	const nyota = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	const ids = await (await nyota.get('/manage/team')).text();
	const tenantId = /<option value="([0-9a-f-]{36})">Nyota Net<\/option>/.exec(ids)?.[1];
	const response = await nyota.post('/manage/team?/invite', {
		form: { name: 'Short Phone', contact: '0712', role: 'agent', tenantId: tenantId! }
	});
	expect(response.status()).toBe(400);
	const field = /<input id="field-contact"[^>]*>/.exec(await response.text())?.[0] ?? '';
	expect(field).toContain('aria-invalid="true"');
	expect(field).toContain('value="0712"');
	await nyota.dispose();
});

test('health answers after a real query', async ({ request }) => {
	const response = await request.get('/healthz');
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual({ status: 'ok', db: 'ok' });
});

test('the app is installable: manifest with icons, standalone and a start URL', async ({
	request
}) => {
	const manifest = await (await request.get('/manifest.webmanifest')).json();
	expect(manifest).toMatchObject({
		display: 'standalone',
		start_url: '/agent?source=pwa',
		theme_color: expect.any(String)
	});
	expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
		expect.arrayContaining(['192x192', '512x512'])
	);
	expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable')).toBe(true);
	for (const icon of manifest.icons)
		expect((await request.get(icon.src)).headers()['content-type']).toBe('image/png');
});
