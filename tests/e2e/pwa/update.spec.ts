/**
 * Issue 14 item 1: a new version never reloads the app under the agent's feet. When a deployment's
 * worker is waiting, the app says so in a banner; the page is left alone (a half-typed form stays)
 * until the agent taps "Update"; then the new worker takes over and the page reloads once.
 */
import { expect, test } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import { waitForApp } from '../fixtures/pages';
import { startDeploymentProxy, type DeploymentProxy } from './deployment-proxy';
import { logIn, waitForServiceWorker } from './pwa-pages';

test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

let proxy: DeploymentProxy;
test.beforeEach(async ({ baseURL }) => {
	proxy = await startDeploymentProxy(baseURL!);
});
test.afterEach(async () => {
	await proxy.close();
});

test('a waiting version is offered with "Update", and takes over only when tapped', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: proxy.url });
	const page = await context.newPage();
	proxy.deploy('deployment 1');
	await logIn(page, LOGINS.nyotaAgent);
	await waitForServiceWorker(page);
	const first = await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.getRegistration();
		return registration!.active!.scriptURL;
	});
	expect(new URL(first).pathname).toBe('/service-worker.js');
	const banner = page.getByTestId('update-banner');
	await expect(banner).toHaveCount(0);

	// The agent is typing when the next deployment lands.
	await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
	proxy.deploy('deployment 2');
	// What the app does on each return to it (visibilitychange) and every hour.
	await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.getRegistration();
		await registration!.update();
	});
	await expect(banner).toBeVisible({ timeout: 15_000 });
	await expect(banner).toContainText('A new version of Mtandao is ready');
	expect(
		await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)
	).toBe(true);
	// Nothing happens by itself.
	await page.waitForTimeout(1500);
	expect(
		await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)
	).toBe(true);

	await page.getByTestId('update-app').click();
	await page.waitForFunction(
		() => !(window as unknown as { notReloaded?: boolean }).notReloaded,
		undefined,
		{ timeout: 15_000 }
	);
	await waitForApp(page);
	await expect(page.getByTestId('home-title')).toBeVisible();
	await expect(banner).toHaveCount(0);
	const after = await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.getRegistration();
		return {
			waiting: !!registration!.waiting,
			controlled: navigator.serviceWorker.controller?.state ?? null
		};
	});
	expect(after).toEqual({ waiting: false, controlled: 'activated' });
	await context.close();
});

test('the banner speaks Kiswahili to a Kiswahili phone', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: proxy.url, locale: 'sw-KE' });
	await context.addCookies([{ name: 'lang', value: 'sw', url: proxy.url }]);
	const page = await context.newPage();
	proxy.deploy('deployment 1');
	await logIn(page, LOGINS.nyotaAgent);
	await waitForServiceWorker(page);
	proxy.deploy('deployment 2');
	await page.evaluate(async () => {
		await (await navigator.serviceWorker.getRegistration())!.update();
	});
	const banner = page.getByTestId('update-banner');
	await expect(banner).toContainText('Toleo jipya la Mtandao liko tayari', { timeout: 15_000 });
	await expect(page.getByTestId('update-app')).toHaveText('Sasisha');
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await context.close();
});
