import { expect, test, type APIRequestContext } from '@playwright/test';
import * as playwright from '@playwright/test';
import { LOGINS, apiAs, staffIds, tenantIds } from '../fixtures/login';

let tenants: Record<string, string>;
let nyotaStaff: Record<string, string>;
let pwani: APIRequestContext, nyota: APIRequestContext, kondele: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
	const platform = await apiAs(playwright, baseURL!, LOGINS.platform);
	tenants = await tenantIds(platform);
	await platform.dispose();
	nyota = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	nyotaStaff = await staffIds(nyota);
	pwani = await apiAs(playwright, baseURL!, LOGINS.pwaniManager);
	kondele = await apiAs(playwright, baseURL!, LOGINS.kondeleManager);
	expect(tenants['Nyota Net'] && tenants['Pwani WiFi'] && tenants['Nyota Kondele']).toBeTruthy();
	expect(nyotaStaff['Otieno Ochieng']).toBeTruthy();
});

test.afterAll(async () => {
	await Promise.all([pwani, nyota, kondele].map((c) => c?.dispose()));
});

test('a manager gets 404 for every page that names another tenant’s row', async () => {
	const agent = nyotaStaff['Otieno Ochieng'];
	for (const path of [
		`/manage/tenants/${tenants['Nyota Net']}`,
		`/manage/tenants/${tenants['Nyota Kondele']}`,
		`/manage/team/${agent}`,
		`/manage/team/${agent}/__data.json`,
		`/manage/tenants/${tenants['Nyota Net']}/__data.json`,
		`/platform`,
		`/platform/tenants/${tenants['Nyota Net']}`
	]) {
		const response = await pwani.get(path);
		const body = await response.text();
		if (path.endsWith('__data.json')) {
			// Client-side navigation data: SvelteKit answers 200 with the error inside.
			expect(
				JSON.parse(body).nodes.some(
					(n: { type: string; status?: number }) => n?.type === 'error' && n.status === 404
				),
				path
			).toBe(true);
		} else {
			expect(response.status(), path).toBe(404);
		}
		expect(body).not.toContain('Otieno');
		expect(body).not.toContain('0711000002');
	}
});

test('a manager cannot act on another tenant’s row', async () => {
	const agent = nyotaStaff['Otieno Ochieng'];
	const disable = await pwani.post(`/manage/team/${agent}?/disable`, { form: {}, maxRedirects: 0 });
	expect(disable.status()).toBe(404);
	// The agent is untouched: Nyota's manager still sees the account enabled.
	const page = await (await nyota.get(`/manage/team/${agent}`)).text();
	expect(page).toMatch(/Disable this account|Zima akaunti hii/);

	const invite = await pwani.post('/manage/team?/invite', {
		form: {
			name: 'Intruder',
			contact: '0799000111',
			role: 'tenant_admin',
			tenantId: tenants['Nyota Net']!
		}
	});
	expect(invite.status()).toBe(400);
});

test('an ISP sees its reseller rolled up, and not its sibling ISP', async () => {
	expect((await nyota.get(`/manage/tenants/${tenants['Nyota Kondele']}`)).status()).toBe(200);
	expect((await nyota.get(`/manage/tenants/${tenants['Pwani WiFi']}`)).status()).toBe(404);
	const team = await (await nyota.get('/manage/team')).text();
	expect(team).toContain('Akinyi Odhiambo'); // the reseller's manager
	expect(team).not.toContain('Hamisi Mwinyi'); // Pwani's manager
});

test('a reseller sees neither its parent ISP nor another ISP', async () => {
	expect((await kondele.get(`/manage/tenants/${tenants['Nyota Net']}`)).status()).toBe(404);
	expect((await kondele.get(`/manage/tenants/${tenants['Pwani WiFi']}`)).status()).toBe(404);
	const team = await (await kondele.get('/manage/team')).text();
	expect(team).not.toContain('Wanjiku Kamau');
});
