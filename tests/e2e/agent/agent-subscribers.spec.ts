/**
 * Issue 12 item 7, at 360×740 on the production build: an agent finds the subscribers they
 * registered by name, phone or account number (and nobody else's, whatever the address says), and
 * the registration form names the router when there is only one in service instead of asking.
 */
import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { apiAs } from '../fixtures/login';
import { ownTenant } from '../fixtures/own-tenant';
import { SIM_ROUTER } from '../network/network-pages';
import {
	expectPageFits,
	freshPhone,
	locationOf,
	logInAs,
	postForm,
	useLanguage
} from '../layout/long-text-pages';

const run = Date.now().toString(36).slice(-5);
const ROUTER = `Mlima Router ${run}`;
const SECOND_ROUTER = `Mlima Annex ${run}`;
const PACKAGE = `Mlima Day ${run}`;
const AGENT = { name: `Neema Agent ${run}`, email: `neema-${run}@agents.example` };
const OTHER_AGENT = { name: `Baraka Agent ${run}`, email: `baraka-${run}@agents.example` };
const MINE = `Zawadi Mwikali ${run}`;
const THEIRS = `Zawadi Chebet ${run}`;

/** A tenant of its own (one router, one package, two agents), so no other spec changes what it has. */
const setUp = (baseURL: string) =>
	ownTenant(baseURL, {
		prefix: 'Mlima',
		run,
		packageName: PACKAGE,
		routerName: ROUTER,
		agents: [AGENT, OTHER_AGENT]
	});

test('an agent registers with the only router named for them, then finds their own subscribers and nobody else’s', async ({
	page,
	baseURL
}) => {
	test.setTimeout(120_000);
	const { manager, agents, packageId } = await setUp(baseURL!);

	// The other agent registers without naming a router: the server puts the subscriber on the only one.
	const theirs = await postForm(agents[1]!, '/manage/subscribers/new', {
		name: THEIRS,
		phone: freshPhone(),
		kind: 'hotspot',
		packageId,
		latitude: '',
		longitude: ''
	});
	expect(locationOf(theirs)).toMatch(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	await agents[1]!.dispose();

	await logInAs(page, AGENT.email);
	await expect(page).toHaveURL(/\/agent$/);
	// The home's big button opens the offline form (/agent/register); the online one is still here.
	await expect(page.getByTestId('register-subscriber')).toHaveAttribute('href', '/agent/register');
	await page.goto('/manage/subscribers/new');
	// One router in service: named, not asked.
	await expect(page.getByTestId('only-router')).toContainText(ROUTER);
	await expect(page.locator('select#routerId')).toHaveCount(0);
	await expectPageFits(page, null, 'agent-register-one-router');
	const myPhone = freshPhone();
	await page.getByLabel('Full name').fill(MINE);
	await page.getByLabel('Phone number').fill(myPhone);
	await page.getByLabel('Package').selectOption({ value: packageId });
	await page.getByRole('button', { name: 'Register', exact: true }).click();
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	await expect(page.locator('#on-router')).toContainText(ROUTER);
	const account = (await page.locator('.account').first().textContent())!.trim().replace(/^#/, '');

	// The search on the agent's home (the phone's own copy, offline too) and on their list page: by
	// name, by phone as typed, by account number.
	const results = page.getByTestId('agent-subscribers');
	const home = page.getByTestId('my-registrations');
	for (const q of ['zawadi', myPhone.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3'), account]) {
		await page.goto('/agent');
		await page.getByLabel('Find one of your subscribers').fill(q);
		await expect(home.locator('li[data-subscriber-id]'), q).toHaveCount(1);
		await expect(home, q).toContainText(MINE);
		await page.goto('/agent/subscribers');
		await page.getByLabel('Find one of your subscribers').fill(q);
		await page.getByRole('button', { name: 'Search', exact: true }).click();
		await expect(page).toHaveURL(/\/agent\/subscribers\?q=/);
		await expect(results.locator('li[data-subscriber-id]'), q).toHaveCount(1);
		await expect(results, q).toContainText(MINE);
	}
	await expectPageFits(page, null, 'agent-search');

	// Nobody else's: not the other agent's, not another tenant's, whatever the address adds.
	for (const path of [
		`/agent/subscribers?q=${encodeURIComponent(THEIRS)}`,
		'/agent/subscribers?q=Achieng',
		'/agent/subscribers?q=0712000101',
		`/agent/subscribers?q=zawadi&registeredBy=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}&tenantId=x&tenant=pwani&all=1`
	]) {
		await page.goto(path);
		await expect(results, path).not.toContainText(THEIRS);
		await expect(results, path).not.toContainText('Achieng');
	}
	await page.goto('/agent/subscribers');
	await expect(results.locator('li[data-subscriber-id]')).toHaveCount(1);
	// The other agent's subscriber's page is no more reachable than its name.
	expect((await page.request.get(locationOf(theirs))).status()).toBe(404);

	// In Kiswahili.
	await useLanguage(page, 'sw');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Wateja wangu');
	await page.goto('/agent/subscribers?q=hakuna-mtu');
	await expect(results).toContainText('Hakuna mteja uliyemsajili anayelingana.');
	await useLanguage(page, 'en');

	// A second router in service makes it a real choice.
	await postForm(manager, '/manage/routers?/create', {
		name: SECOND_ROUTER,
		host: SIM_ROUTER.host,
		port: String(SIM_ROUTER.port),
		username: SIM_ROUTER.user,
		password: SIM_ROUTER.password,
		hotspotServer: 'all'
	});
	await page.goto('/manage/subscribers/new');
	await expect(page.getByTestId('only-router')).toHaveCount(0);
	expect(await page.locator('select#routerId option').allTextContents()).toEqual(
		expect.arrayContaining([ROUTER, SECOND_ROUTER])
	);
	// And the server no longer picks one when none is named.
	const agentApi = await apiAs(playwright, baseURL!, AGENT.email);
	const unnamed = await agentApi.post('/manage/subscribers/new', {
		form: {
			name: `No Router ${run}`,
			phone: freshPhone(),
			kind: 'hotspot',
			packageId,
			latitude: '',
			longitude: ''
		},
		maxRedirects: 0
	});
	expect(unnamed.status()).toBe(400);
	await agentApi.dispose();
	await manager.dispose();
});
