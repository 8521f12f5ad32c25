/**
 * Issue 12 item 5: the numbers on the platform's tenant list and on a parent's reseller card are
 * the people and customers each tenant's own pages list (they said "0 staff" for every tenant).
 * The vitest beside the counting code compares them with the database; this walks the pages.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';

interface Listed {
	staff: number;
	agents: number;
	subscribers: number;
	active: number;
}

async function loggedIn(browser: Browser, login: string): Promise<Page> {
	const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
	const page = await context.newPage();
	await new LoginPage(page).logIn(login);
	await expect(page).not.toHaveURL(/\/login/);
	return page;
}

/** The team page's people, by tenant name. */
async function teamByTenant(page: Page): Promise<Record<string, { staff: number; agents: number }>> {
	await page.goto('/manage/team');
	const rows = await page.getByTestId('staff').locator('li').evaluateAll((items) => items.map((li) => li.textContent ?? ''));
	const byTenant: Record<string, { staff: number; agents: number }> = {};
	for (const text of rows) {
		const tenant = text.split('·').pop()!.trim();
		byTenant[tenant] ??= { staff: 0, agents: 0 };
		byTenant[tenant].staff++;
		// Another spec may have left this manager in Kiswahili.
		if (/Field agent|Wakala/.test(text)) byTenant[tenant].agents++;
	}
	return byTenant;
}

/** How many subscribers the manager's list shows (every page), optionally of one status. */
async function listedSubscribers(page: Page, status = ''): Promise<number> {
	let count = 0;
	let href: string | null = `/manage/subscribers${status ? `?status=${status}` : ''}`;
	while (href) {
		await page.goto(href.startsWith('?') ? `/manage/subscribers${href}` : href);
		count += await page.locator('[data-subscriber-id]').count();
		href = (await page.getByTestId('next-page').count()) ? await page.getByTestId('next-page').getAttribute('href') : null;
	}
	return count;
}

/** The counts a tenant line shows (platform list or reseller card). */
async function shownCounts(page: Page, container: string, name: string): Promise<Omit<Listed, 'agents'>> {
	const line = page.getByTestId(container).locator('li').filter({ has: page.getByText(name, { exact: true }) });
	const value = async (what: string) => Number(await line.locator(`[data-count="${what}"]`).getAttribute('data-value'));
	return { staff: await value('staff'), subscribers: await value('subscribers'), active: await value('active') };
}

test('the platform list and the reseller card count the staff and subscribers each tenant’s pages list', async ({ browser }) => {
	// What each tenant's managers see on their own pages. Nyota's pages include its reseller Kondele's.
	const nyota = await loggedIn(browser, LOGINS.nyotaManager);
	const kondele = await loggedIn(browser, LOGINS.kondeleManager);
	const pwani = await loggedIn(browser, LOGINS.pwaniManager);
	const nyotaTeam = await teamByTenant(nyota);
	const listed: Record<string, Listed> = {
		'Nyota Kondele': { ...(await teamByTenant(kondele))['Nyota Kondele']!, subscribers: await listedSubscribers(kondele), active: await listedSubscribers(kondele, 'active') },
		'Pwani WiFi': { ...(await teamByTenant(pwani))['Pwani WiFi']!, subscribers: await listedSubscribers(pwani), active: await listedSubscribers(pwani, 'active') }
	};
	listed['Nyota Net'] = {
		...nyotaTeam['Nyota Net']!,
		subscribers: (await listedSubscribers(nyota)) - listed['Nyota Kondele']!.subscribers,
		active: (await listedSubscribers(nyota, 'active')) - listed['Nyota Kondele']!.active
	};
	expect(nyotaTeam['Nyota Kondele']).toEqual({ staff: listed['Nyota Kondele']!.staff, agents: listed['Nyota Kondele']!.agents });
	// Every tenant has people: a count that says 0 is wrong.
	for (const [name, counts] of Object.entries(listed)) expect(counts.staff, name).toBeGreaterThan(0);

	// The platform admin's list.
	const platform = await loggedIn(browser, LOGINS.platform);
	await platform.goto('/platform');
	for (const [name, counts] of Object.entries(listed)) {
		expect(await shownCounts(platform, 'tenants', name), name).toEqual({ staff: counts.staff, subscribers: counts.subscribers, active: counts.active });
	}
	await expect(platform.getByTestId('tenants')).toContainText(`${listed['Nyota Net']!.staff} staff`);

	// Nyota's home: the reseller card and the totals of Nyota with everything below it.
	await nyota.goto('/manage');
	const k = listed['Nyota Kondele']!;
	const n = listed['Nyota Net']!;
	expect(await shownCounts(nyota, 'sub-tenants', 'Nyota Kondele')).toEqual({ staff: k.staff, subscribers: k.subscribers, active: k.active });
	const totals = nyota.getByTestId('overview-totals');
	await expect(totals.locator('[data-count="sub-tenants"]')).toHaveText('1');
	await expect(totals.locator('[data-count="staff"]')).toHaveText(String(n.staff + k.staff));
	await expect(totals.locator('[data-count="agents"]')).toHaveText(String(n.agents + k.agents));
	await expect(totals.locator('[data-count="subscribers"]')).toHaveText(String(n.subscribers + k.subscribers));
	await expect(totals.locator('[data-count="active"]')).toHaveText(String(n.active + k.active));

	// The reseller sees its own numbers only: no card for its parent or for Pwani.
	await kondele.goto('/manage');
	await expect(kondele.getByTestId('sub-tenants')).toHaveCount(0);
	await expect(kondele.getByTestId('overview-totals').locator('[data-count="staff"]')).toHaveText(String(k.staff));
	await expect(kondele.getByTestId('overview-totals').locator('[data-count="subscribers"]')).toHaveText(String(k.subscribers));
	await expect(kondele.getByText('Nyota Net', { exact: true })).toHaveCount(0);
	for (const page of [nyota, kondele, pwani, platform]) await page.context().close();
});
