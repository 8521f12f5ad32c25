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
async function teamByTenant(
	page: Page
): Promise<Record<string, { staff: number; agents: number }>> {
	await page.goto('/manage/team');
	const rows = await page
		.getByTestId('staff')
		.locator('li')
		.evaluateAll((items) => items.map((li) => li.textContent ?? ''));
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
		href = (await page.getByTestId('next-page').count())
			? await page.getByTestId('next-page').getAttribute('href')
			: null;
	}
	return count;
}

interface Row extends Omit<Listed, 'agents'> {
	name: string;
	depth: number;
}

/** The platform admin's list, in its order (a tenant, then everything below it). */
async function platformRows(page: Page): Promise<Row[]> {
	await page.goto('/platform');
	return page
		.getByTestId('tenants')
		.locator('li[data-tenant]')
		.evaluateAll((items) =>
			items.map((li) => {
				const value = (what: string) =>
					Number(li.querySelector(`[data-count="${what}"]`)!.getAttribute('data-value'));
				return {
					name: li.querySelector('strong')!.textContent.trim(),
					depth: Number(li.getAttribute('data-depth')),
					staff: value('staff'),
					subscribers: value('subscribers'),
					active: value('active')
				};
			})
		);
}

/** A tenant's row and the rows of everything below it. */
function subtree(rows: Row[], name: string): Row[] {
	const at = rows.findIndex((r) => r.name === name);
	const end = rows.findIndex((r, i) => i > at && r.depth <= rows[at]!.depth);
	return rows.slice(at, end === -1 ? undefined : end);
}

const sum = (rows: Row[], what: 'staff' | 'subscribers' | 'active') =>
	rows.reduce((total, r) => total + r[what], 0);

test('the platform list and the reseller card count the staff and subscribers each tenant’s pages list', async ({
	browser
}) => {
	// What each ISP's and reseller's managers see on their own pages: their tenant and everything below it.
	const managers = {
		'Nyota Net': LOGINS.nyotaManager,
		'Nyota Kondele': LOGINS.kondeleManager,
		'Pwani WiFi': LOGINS.pwaniManager
	};
	const platform = await loggedIn(browser, LOGINS.platform);
	const pages: Page[] = [platform];
	for (const [name, login] of Object.entries(managers)) {
		const manager = await loggedIn(browser, login);
		pages.push(manager);
		const team = await teamByTenant(manager);
		const listed = {
			subscribers: await listedSubscribers(manager),
			active: await listedSubscribers(manager, 'active')
		};
		const rows = await platformRows(platform);
		const mine = subtree(rows, name);
		expect(mine.length, name).toBeGreaterThan(0);

		// The platform list: each tenant's own staff are the team page's people of that tenant, and
		// the subscribers of the tenant and its sub-tenants add up to the manager's list.
		for (const row of mine) expect(row.staff, row.name).toBe(team[row.name]?.staff ?? 0);
		expect(mine[0]!.staff, `${name} has people: a count that says 0 is wrong`).toBeGreaterThan(0);
		expect({ subscribers: sum(mine, 'subscribers'), active: sum(mine, 'active') }, name).toEqual(
			listed
		);

		// The manager's home: the totals, and a card per sub-tenant with its own numbers.
		await manager.goto('/manage');
		const totals = manager.getByTestId('overview-totals');
		const staff = Object.values(team).reduce((total, t) => total + t.staff, 0);
		const agents = Object.values(team).reduce((total, t) => total + t.agents, 0);
		await expect(totals.locator('[data-count="sub-tenants"]'), name).toHaveText(
			String(mine.length - 1)
		);
		await expect(totals.locator('[data-count="staff"]'), name).toHaveText(String(staff));
		await expect(totals.locator('[data-count="agents"]'), name).toHaveText(String(agents));
		await expect(totals.locator('[data-count="subscribers"]'), name).toHaveText(
			String(listed.subscribers)
		);
		await expect(totals.locator('[data-count="active"]'), name).toHaveText(String(listed.active));
		for (const child of mine.slice(1)) {
			const card = manager
				.getByTestId('sub-tenants')
				.locator('li')
				.filter({ has: manager.getByText(child.name, { exact: true }) });
			const value = async (what: string) =>
				Number(await card.locator(`[data-count="${what}"]`).getAttribute('data-value'));
			expect(
				{
					staff: await value('staff'),
					subscribers: await value('subscribers'),
					active: await value('active')
				},
				child.name
			).toEqual({
				staff: child.staff,
				subscribers: child.subscribers,
				active: child.active
			});
		}
		if (mine.length === 1) await expect(manager.getByTestId('sub-tenants')).toHaveCount(0);
	}

	// The reseller sees its own numbers only: nothing of its parent or of Pwani.
	const kondele = pages[2]!;
	await kondele.goto('/manage');
	await expect(kondele.getByText('Nyota Net', { exact: true })).toHaveCount(0);
	await expect(kondele.getByText('Pwani WiFi', { exact: true })).toHaveCount(0);
	for (const page of pages) await page.context().close();
});
