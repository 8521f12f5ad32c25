import { expect, test, type Page } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';

test.use({ viewport: { width: 360, height: 740 } });

/** Every link on the page to one of our own pages, without query strings: the pages to visit next. */
async function ownLinks(page: Page): Promise<string[]> {
	const hrefs = await page
		.locator('a[href^="/"]')
		.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
	return hrefs.map((h) => h.split('?')[0]!.split('#')[0]!);
}

/** One visit per kind of page: the fifth subscriber's page has the same title code as the first. */
const kind = (path: string) =>
	path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id');

/** Visits `start` and the pages it links to (four levels: Home, More, Team, a person), and returns those whose <title> is empty. */
async function untitled(
	page: Page,
	start: string
): Promise<{ visited: number; missing: string[] }> {
	const seen = new Set<string>();
	const kinds = new Set<string>();
	const missing: string[] = [];
	let frontier = [start];
	for (let depth = 0; depth < 4; depth++) {
		const next: string[] = [];
		for (const path of frontier) {
			if (seen.has(path) || kinds.has(kind(path))) continue;
			seen.add(path);
			kinds.add(kind(path));
			const response = await page.goto(path);
			expect(response?.status(), path).toBeLessThan(400);
			if ((await page.title()).trim() === '') missing.push(path);
			next.push(...(await ownLinks(page)));
		}
		frontier = next;
	}
	return { visited: seen.size, missing };
}

test('every page a manager reaches has a title', async ({ page }) => {
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	const { visited, missing } = await untitled(page, '/manage');
	expect(visited).toBeGreaterThan(15);
	expect(missing).toEqual([]);
});

test('every page an agent and the platform admin reach has a title', async ({ browser }) => {
	for (const [who, start] of [
		[LOGINS.nyotaAgent, '/agent'],
		[LOGINS.platform, '/platform']
	] as const) {
		const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
		const page = await context.newPage();
		await new LoginPage(page).logIn(who);
		await expect(page).toHaveURL(new RegExp(`${start}$`));
		const { visited, missing } = await untitled(page, start);
		expect(visited).toBeGreaterThan(1);
		expect(missing).toEqual([]);
		await context.close();
	}
});

test('the public and sign-in pages have titles', async ({ page }) => {
	for (const path of ['/login', '/pay/nyota', '/portal/nyota']) {
		await page.goto(path);
		expect((await page.title()).trim(), path).not.toBe('');
	}
});
