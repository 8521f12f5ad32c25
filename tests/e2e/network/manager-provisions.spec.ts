import { expect, test } from '@playwright/test';
import { createServer } from 'node:net';
import * as playwright from '@playwright/test';
import { LOGINS, apiAs } from '../fixtures/login';
import {
	PackagesPage,
	RegisterSubscriberPage,
	RoutersPage,
	SIM_ROUTER,
	askSimRouter,
	expectFitsPhone,
	hotspotUser,
	logIn,
	useLanguage
} from './network-pages';

// Names unique to this run: the e2e database is shared by every spec of the run.
const run = Date.now().toString(36).slice(-5);
const ROUTER = `Sim HQ ${run}`;
const PACKAGE = `Daily 2M ${run}`;
const phone = (seed: number) => `07${String((Date.now() + seed) % 100_000_000).padStart(8, '0')}`;

/** A port nothing listens on: bound once by us, then let go. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Rows created by the first test, named by id in the 404 test. */
const created: { router?: string; package?: string; subscriber?: string } = {};

test.describe.configure({ mode: 'serial' });

test('a manager adds the router, tests it, creates a package, registers a subscriber, activates it and the router enables it', async ({
	page
}) => {
	test.setTimeout(90_000);
	await logIn(page, LOGINS.nyotaManager);
	const nav = page.getByRole('navigation');
	for (const item of ['Home', 'Subscribers', 'Packages', 'Routers', 'More'])
		await expect(nav.getByRole('link', { name: item })).toBeVisible();

	// The router: saved, then tested; the identity shown is the one the router itself reports.
	const routers = new RoutersPage(page);
	await routers.open();
	await routers.add({ name: ROUTER, ...SIM_ROUTER });
	created.router = page.url().split('/').pop();
	const identity = await askSimRouter(
		async (api) => ((await api.write('/system/identity/print')) as { name: string }[])[0]!.name
	);
	const result = await routers.testConnection();
	await expect(result).toHaveAttribute('data-ok', 'true');
	await expect(page.getByTestId('router-identity')).toHaveText(identity);
	await expect(result).toContainText('RouterOS version');
	await expect(page.getByTestId('router-health')).toHaveAttribute('data-health', 'ok');
	await expectFitsPhone(page);

	// The package, listed with its price and validity as people say them.
	const packages = new PackagesPage(page);
	await packages.open();
	await packages.create({ name: PACKAGE, price: '50', validity: '1', unit: 'Days', rate: '2M/5M' });
	await expect(page.getByRole('status')).toContainText(PACKAGE);
	const card = page.getByTestId('packages').locator('li', { hasText: PACKAGE });
	await expect(card).toContainText('KES 50');
	await expect(card).toContainText('1 day');
	created.package = (await card.getAttribute('data-package-id')) ?? undefined;
	await expectFitsPhone(page);

	// The subscriber: registered with a phone typed the Kenyan way, not yet active.
	const register = new RegisterSubscriberPage(page);
	await register.open();
	const typed = phone(1);
	await register.register({
		name: `Wanjiru Muthoni ${run}`,
		phone: typed.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3'),
		router: ROUTER,
		packageName: PACKAGE
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	created.subscriber = page.url().split('/').pop();
	await expect(page.getByTestId('account-number')).toHaveText(/^\d{6,7}$/);
	await expect(page.getByTestId('subscriber-status')).toHaveAttribute('data-status', 'pending');
	await expect(
		page.getByText(`${typed.replace(/^(\d{4})(\d{3})(\d{3})$/, '$1 $2 $3')} ·`)
	).toBeVisible();
	const username = (await page.getByTestId('router-username').textContent())!;
	await expectFitsPhone(page);

	// Activate: the status changes at once, and the worker enables the user on the router.
	await page.getByTestId('renew').click();
	await expect(page.getByTestId('subscriber-status')).toHaveAttribute('data-status', 'active');
	await expect(page.getByTestId('expiry')).toContainText('Expires');
	await expect(async () => {
		await page.reload();
		await expect(page.getByTestId('router-state')).toHaveAttribute('data-state', 'enabled', {
			timeout: 1_000
		});
	}).toPass({ timeout: 30_000 });

	// The router, asked directly, agrees.
	const user = await hotspotUser(username);
	expect(user).toMatchObject({ name: username, disabled: 'false' });
	expect(user?.comment).toContain(created.subscriber);

	// The same pages in Kiswahili: the state on the router and the package's validity.
	await useLanguage(page, 'sw');
	await expect(page.getByTestId('router-state')).toContainText('Imewashwa');
	await page.getByRole('navigation').getByRole('link', { name: 'Vifurushi' }).click();
	await expect(page.getByTestId('packages').locator('li', { hasText: PACKAGE })).toContainText(
		'siku 1'
	);
	await expectFitsPhone(page);
	await useLanguage(page, 'en');
});

test('Test connection says plainly when the password is wrong or nothing listens; the router is saved all the same', async ({
	page
}) => {
	test.setTimeout(60_000);
	await logIn(page, LOGINS.nyotaManager);
	const routers = new RoutersPage(page);
	await routers.open();
	await routers.add({ name: `Wrong login ${run}`, ...SIM_ROUTER, password: 'not-the-password' });

	let result = await routers.testConnection();
	await expect(result).toHaveAttribute('data-ok', 'false');
	await expect(result).toContainText('The router refused the API user name or password.');
	await expect(page.getByTestId('router-health')).toHaveAttribute('data-health', 'error');

	// The onboarding script creates the API account with the saved password; it is shown on request.
	await expect(page.getByTestId('onboarding-script')).toHaveCount(0);
	await page.getByTestId('show-script').click();
	const script = page.getByTestId('onboarding-script');
	await expect(script).toHaveValue(
		/\/user add name=admin group=mtandao-api password=not-the-password/
	);
	await expect(script).toHaveValue(/\/ip service set \[find name=api\] port=\d+ disabled=no/);
	await expect(page.getByRole('button', { name: 'Copy' })).toBeVisible();

	await routers.edit({ port: await closedPort() });
	result = await routers.testConnection();
	await expect(result).toHaveAttribute('data-ok', 'false');
	await expect(result).toContainText(
		'The router refused the connection. Is the API service enabled on that port?'
	);

	// Put right: the real port, and the simulator's admin has no password.
	await routers.edit({ port: SIM_ROUTER.port, noPassword: true });
	result = await routers.testConnection();
	await expect(result).toHaveAttribute('data-ok', 'true');
	await expect(page.getByTestId('router-health')).toHaveAttribute('data-health', 'ok');
	await expectFitsPhone(page);
});

test('a router address or port that cannot be one is refused field by field and nothing is saved', async ({
	page
}) => {
	await logIn(page, LOGINS.nyotaManager);
	const routers = new RoutersPage(page);
	await routers.open();
	const before = await page.getByTestId('routers').locator('li').count();
	const form = page.locator('form[action="?/create"]');
	await form.getByLabel('Name', { exact: true }).fill(`Typo ${run}`);
	await form.getByLabel('Address (IP or hostname)').fill('10.0.0.300');
	await form.getByLabel('API port').fill('70000');
	await form.getByRole('button', { name: 'Save router' }).click();
	await expect(
		page.getByText('Enter an IPv4 address like 192.168.88.1 or a hostname like hq.example.co.ke.')
	).toBeVisible();
	await expect(page.getByText('Use a port from 1 to 65535.')).toBeVisible();
	await expect(page).toHaveURL(/\/manage\/routers$/);
	await page.reload();
	await expect(page.getByTestId('routers').locator('li')).toHaveCount(before);
});

test('a rate limit like 5X/2 is refused with a clear message and no package is created', async ({
	page
}) => {
	await logIn(page, LOGINS.nyotaManager);
	const packages = new PackagesPage(page);
	await packages.open();
	const before = await page.getByTestId('packages').locator('li').count();
	await packages.create({
		name: `Broken ${run}`,
		price: '30',
		validity: '3',
		unit: 'Hours',
		rate: '5X/2'
	});
	await expect(page.getByRole('alert')).toHaveText('Please correct the fields marked below.');
	await expect(
		page.getByText('Write upload/download like 2M/5M: digits, then k, M or G.')
	).toBeVisible();
	await expect(page.getByLabel('Speed limit (upload/download)')).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	// What was typed is kept for correcting.
	await expect(page.getByLabel('Name', { exact: true })).toHaveValue(`Broken ${run}`);
	await page.goto('/manage/packages');
	await expect(page.getByTestId('packages').locator('li')).toHaveCount(before);
	await expect(page.getByTestId('packages')).not.toContainText(`Broken ${run}`);
});

test('a phone number like 0712 is refused with a clear message and nobody is registered', async ({
	page
}) => {
	await logIn(page, LOGINS.nyotaManager);
	const register = new RegisterSubscriberPage(page);
	await register.open();
	await register.register({
		name: `Short Phone ${run}`,
		phone: '0712',
		router: ROUTER,
		packageName: PACKAGE
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/new$/);
	await expect(
		page.getByText('Enter a Safaricom, Airtel or Telkom number like 0712 345 678.')
	).toBeVisible();
	await expect(page.getByLabel('Phone number')).toHaveValue('0712');
	await page.goto(`/manage/subscribers?q=${encodeURIComponent(`Short Phone ${run}`)}`);
	await expect(page.getByTestId('subscribers')).toHaveText('No subscribers match.');
});

test('another ISP’s manager gets 404 for the router, package and subscriber, and cannot act on them', async ({
	baseURL
}) => {
	expect(created.router && created.package && created.subscriber).toBeTruthy();
	const pwani = await apiAs(playwright, baseURL!, LOGINS.pwaniManager);
	for (const path of [
		`/manage/routers/${created.router}`,
		`/manage/packages/${created.package}`,
		`/manage/subscribers/${created.subscriber}`
	]) {
		expect((await pwani.get(path)).status(), path).toBe(404);
	}
	for (const [path, form] of [
		[`/manage/subscribers/${created.subscriber}?/suspend`, {}],
		[`/manage/subscribers/${created.subscriber}?/reveal`, {}],
		[`/manage/packages/${created.package}?/retire`, {}],
		[`/manage/routers/${created.router}?/test`, {}]
	] as const) {
		const response = await pwani.post(path, { form, maxRedirects: 0 });
		expect(response.status(), path).toBe(404);
	}
	await pwani.dispose();

	// Still active, and the package still on sale, as the owner sees them.
	const nyota = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	expect(await (await nyota.get(`/manage/subscribers/${created.subscriber}`)).text()).toContain(
		'data-status="active"'
	);
	expect(await (await nyota.get(`/manage/packages/${created.package}`)).text()).toContain(
		'On sale'
	);
	await nyota.dispose();
});
