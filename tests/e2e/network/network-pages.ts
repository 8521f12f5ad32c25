/**
 * Page objects for the manager's network pages, and a look at the simulated MikroTik with the same
 * client library the app uses (node-routeros), as an independent witness of what the router holds.
 */
import { expect, type Page } from '@playwright/test';
import { RouterOSAPI } from 'node-routeros';
import { PASSWORD } from '../fixtures/login';

/** The demo's simulated router (started by `npm start`), logged in as its admin with no password. */
export const SIM_ROUTER = {
	host: '127.0.0.1',
	port: Number(process.env.DEMO_ROUTER_PORT ?? 18728),
	user: 'admin',
	password: ''
};

/** The demo tenant Nyota's own router on the simulator (one simulated router per login). */
export const NYOTA_SIM_LOGIN = { user: 'nyota', password: 'nyota-api-demo' };

export async function askSimRouter<T>(
	fn: (api: RouterOSAPI) => Promise<T>,
	login: { user: string; password: string } = SIM_ROUTER
): Promise<T> {
	const api = new RouterOSAPI({ ...SIM_ROUTER, ...login, timeout: 5 });
	// Without a listener a socket error would end the test process.
	api.on('error', () => {});
	await api.connect();
	try {
		return await fn(api);
	} finally {
		await api.close().catch(() => {});
	}
}

export async function hotspotUser(
	name: string,
	login: { user: string; password: string } = SIM_ROUTER
): Promise<Record<string, string> | undefined> {
	const rows = (await askSimRouter(
		(api) => api.write('/ip/hotspot/user/print', [`?name=${name}`]),
		login
	)) as Record<string, string>[];
	return rows[0];
}

/**
 * Logs in through the form once the page is hydrated: a value typed before hydration can be wiped
 * when Svelte takes over the input, and the form then stops at the empty required field.
 */
export async function logIn(page: Page, login: string, lang: 'en' | 'sw' = 'en') {
	await page.goto('/login');
	await page.waitForLoadState('networkidle');
	await page.getByLabel(/Phone number or email|Nambari ya simu au barua pepe/).fill(login);
	await page.getByLabel(/^(Password|Nenosiri)$/).fill(PASSWORD);
	await page.getByRole('button', { name: /^(Log in|Ingia)$/ }).click();
	await expect(page).toHaveURL(/\/manage$/);
	await useLanguage(page, lang);
}

/**
 * The account remembers its language, and another spec leaves the demo manager in Kiswahili:
 * the selectors here read English, so switch (the switch also saves the choice on the account).
 * The switch button offers the other language (its `lang`), which tells the one on screen.
 */
export async function useLanguage(page: Page, lang: 'en' | 'sw') {
	const other = lang === 'en' ? 'sw' : 'en';
	const languageSwitch = page.getByTestId('language-switch');
	if ((await languageSwitch.getAttribute('lang')) === lang) {
		await languageSwitch.click();
		await expect(languageSwitch).toHaveAttribute('lang', other);
	}
}

/** Nothing on the page is wider than the phone. */
export async function expectFitsPhone(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
}

export class RoutersPage {
	constructor(private readonly page: Page) {}

	async open() {
		await this.page.getByRole('navigation').getByRole('link', { name: 'Routers' }).click();
		await expect(this.page).toHaveURL(/\/manage\/routers$/);
	}

	async add(router: { name: string; host: string; port: number; user: string; password: string }) {
		const form = this.page.locator('form[action="?/create"]');
		await form.getByLabel('Name', { exact: true }).fill(router.name);
		await form.getByLabel('Address (IP or hostname)').fill(router.host);
		await form.getByLabel('API port').fill(String(router.port));
		await form.getByLabel('API user').fill(router.user);
		await form.getByLabel('API password').fill(router.password);
		await form.getByRole('button', { name: 'Save router' }).click();
		await expect(this.page).toHaveURL(/\/manage\/routers\/[0-9a-f-]{36}$/);
		await expect(this.page.getByRole('heading', { level: 1 })).toHaveText(router.name);
	}

	/** Changes what is given on the router's own page; blank fields are left as they are. */
	async edit(changes: { port?: number; password?: string; noPassword?: boolean }) {
		const edit = this.page.locator('details.edit');
		if (!(await edit.evaluate((d) => (d as HTMLDetailsElement).open)))
			await edit.locator('summary').click();
		const form = edit.locator('form[action="?/edit"]');
		if (changes.port !== undefined) await form.getByLabel('API port').fill(String(changes.port));
		if (changes.password !== undefined)
			await form.getByLabel('API password').fill(changes.password);
		if (changes.noPassword) await form.getByLabel('The API user has no password').check();
		await form.getByRole('button', { name: 'Save', exact: true }).click();
		await expect(this.page).toHaveURL(/\?saved=1$/);
	}

	async testConnection() {
		await this.page.getByTestId('test-connection').click();
		return this.page.getByTestId('test-result');
	}
}

export class PackagesPage {
	constructor(private readonly page: Page) {}

	async open() {
		await this.page.getByRole('navigation').getByRole('link', { name: 'Packages' }).click();
		await expect(this.page).toHaveURL(/\/manage\/packages$/);
	}

	async create(pkg: {
		name: string;
		kind?: 'Hotspot' | 'PPPoE';
		price: string;
		validity: string;
		unit: string;
		rate: string;
		devices?: string;
	}) {
		const form = this.page.locator('form[action="?/create"]');
		await form.getByLabel('Name', { exact: true }).fill(pkg.name);
		await form.getByLabel('Service').selectOption({ label: pkg.kind ?? 'Hotspot' });
		await form.getByLabel('Price (KES)').fill(pkg.price);
		await form.getByLabel('Valid for').fill(pkg.validity);
		await form.getByLabel('Unit').selectOption({ label: pkg.unit });
		await form.getByLabel('Speed limit (upload/download)').fill(pkg.rate);
		await form.getByLabel('Devices at once').fill(pkg.devices ?? '1');
		// Done when the server has answered: a caller that navigates next must not cut the post short.
		const answered = this.page.waitForResponse(
			(r) => r.request().method() === 'POST' && new URL(r.url()).search.includes('/create')
		);
		await form.getByRole('button', { name: 'Save package' }).click();
		await answered;
	}
}

export class RegisterSubscriberPage {
	constructor(private readonly page: Page) {}

	async open() {
		await this.page.getByRole('navigation').getByRole('link', { name: 'Subscribers' }).click();
		await this.page.getByTestId('register-subscriber').click();
		await expect(this.page).toHaveURL(/\/manage\/subscribers\/new$/);
	}

	async register(s: { name: string; phone: string; router: string; packageName: string | RegExp }) {
		await this.page.getByLabel('Full name').fill(s.name);
		await this.page.getByLabel('Phone number').fill(s.phone);
		await this.page.getByLabel('Service').selectOption({ label: 'Hotspot' });
		// With one router in service there is nothing to choose: the form names it instead of asking.
		const only = this.page.getByTestId('only-router');
		if (await only.count()) await expect(only.locator('.router-name')).toHaveText(s.router);
		else await this.page.getByLabel('Router', { exact: true }).selectOption({ label: s.router });
		// A name is matched whole ("Daily" is not "Daily 2M …", which another spec may have made).
		const name =
			typeof s.packageName === 'string'
				? new RegExp(`^${s.packageName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ·`)
				: s.packageName;
		const option = this.page.locator('#packageId option', { hasText: name });
		await this.page
			.getByLabel('Package')
			.selectOption({ value: (await option.getAttribute('value'))! });
		await this.page.getByRole('button', { name: 'Register', exact: true }).click();
	}
}

/** The manager's "Edit details" on a subscriber's page. */
export class EditSubscriberForm {
	constructor(private readonly page: Page) {}

	get root() {
		return this.page.getByTestId('subscriber-edit');
	}

	async open() {
		if (!(await this.root.evaluate((d) => (d as HTMLDetailsElement).open)))
			await this.root.locator('summary').click();
	}

	async save(changes: { name?: string; phone?: string; router?: string }) {
		await this.open();
		const form = this.root.locator('form');
		if (changes.name !== undefined) await form.getByLabel('Full name').fill(changes.name);
		if (changes.phone !== undefined) await form.getByLabel('Phone number').fill(changes.phone);
		if (changes.router !== undefined)
			await form.getByLabel('Router', { exact: true }).selectOption({ label: changes.router });
		await form.getByRole('button', { name: 'Save changes' }).click();
	}
}
