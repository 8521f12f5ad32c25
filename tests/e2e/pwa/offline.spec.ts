/**
 * Issue 14 item 1 with the network off (`context.setOffline(true)`), Chromium at 360×740 with
 * touch, production build: a page the agent has opened comes back from the service worker's copy,
 * one never opened shows the offline page (English or Kiswahili, fitting the screen), and logging
 * out leaves nothing of the agent's pages for the next person.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import { cachedUrls, logIn, waitForServiceWorker } from './pwa-pages';

test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

async function agentOnline(context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	await logIn(page, LOGINS.nyotaAgent);
	await waitForServiceWorker(page);
	// The first load of /agent happened before the worker was there: this one passes through it.
	await page.reload();
	await expect(page.getByTestId('home-title')).toBeVisible();
	return page;
}

test('with no network, /agent reloads from the copy kept by the service worker', async ({
	context
}) => {
	const page = await agentOnline(context);
	const title = await page.getByTestId('home-title').textContent();
	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('home-title')).toHaveText(title!);
	// The installed app's start address (with ?source=pwa) finds the same page.
	await page.goto('/agent?source=pwa');
	await expect(page.getByTestId('home-title')).toHaveText(title!);
	await context.setOffline(false);
});

test('a page never opened shows the offline page, which says queued work is kept', async ({
	context
}) => {
	const page = await agentOnline(context);
	await context.setOffline(true);
	await page.goto('/account/password');
	const english = page.getByTestId('offline-en');
	await expect(english.getByRole('heading')).toHaveText('You are offline');
	await expect(english).toContainText('kept on the phone');
	await expect(page.getByTestId('offline-sw')).toBeHidden();
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	// "Try again" reloads the page asked for, not the offline page.
	await expect(english.getByRole('link', { name: 'Try again' })).toHaveAttribute(
		'href',
		/\/account\/password$/
	);

	// The app's language choice (the `lang` cookie) is the offline page's too.
	await context.addCookies([{ name: 'lang', value: 'sw', url: page.url() }]);
	await page.reload();
	const swahili = page.getByTestId('offline-sw');
	await expect(swahili.getByRole('heading')).toHaveText('Hakuna mtandao');
	await expect(swahili).toContainText('zimehifadhiwa kwenye simu');
	await expect(english).toBeHidden();
	expect(await page.evaluate(() => document.documentElement.lang)).toBe('sw');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

	// Once the signal is back, the page the agent wanted comes by itself.
	await context.setOffline(false);
	await expect(page).toHaveTitle(/nenosiri|password/i);
	await expect(page.getByTestId('offline-sw')).toHaveCount(0);
});

test('after logging out, no page of the agent is kept for whoever uses the phone next', async ({
	context
}) => {
	const page = await agentOnline(context);
	expect(Object.values(await cachedUrls(page)).flat()).toContain('GET /agent');
	await page.getByTestId('logout').click();
	await expect(page).toHaveURL(/\/login$/);
	const pages = Object.entries(await cachedUrls(page)).filter(([name]) =>
		name.startsWith('pages-')
	);
	expect(pages.flatMap(([, urls]) => urls).filter((u) => u.includes('/agent'))).toEqual([]);

	await context.setOffline(true);
	await page.goto('/agent');
	await expect(page.getByTestId('offline-en')).toBeVisible();
	await expect(page.getByTestId('home-title')).toHaveCount(0);
	await context.setOffline(false);
});

test('the outbox data, the sync endpoint and posted forms are never cached', async ({
	context
}) => {
	const page = await agentOnline(context);
	await page.evaluate(async () => {
		await fetch('/agent/data').catch(() => {});
		await fetch('/agent/sync', { method: 'POST', body: '{}' }).catch(() => {});
	});
	await page.goto('/agent/subscribers');
	await page.goto('/agent');
	const urls = Object.values(await cachedUrls(page)).flat();
	expect(urls.filter((u) => /\/agent\/(data|sync)/.test(u))).toEqual([]);
	expect(urls.filter((u) => !u.startsWith('GET '))).toEqual([]);
	expect(urls).toContain('GET /agent/subscribers');
});
