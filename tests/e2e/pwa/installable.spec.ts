/**
 * Issue 14 item 1, Chromium at 360×740 with touch, production build: the staff app installs on an
 * Android phone (a complete manifest with real icons of the sizes it states, a maskable one and
 * shortcuts), starts in the agent area, and its service worker controls the page.
 */
import { expect, test } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import { waitForApp } from '../fixtures/pages';
import { logIn, pngSize, waitForServiceWorker } from './pwa-pages';

test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

interface Icon {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
}

test('the manifest is complete, and each icon is a PNG of the size it states', async ({
	request
}) => {
	const response = await request.get('/manifest.webmanifest');
	expect(response.headers()['content-type']).toContain('application/manifest+json');
	const manifest = await response.json();
	expect(manifest).toMatchObject({
		id: '/agent',
		name: expect.stringContaining('Mtandao'),
		short_name: 'Mtandao',
		description: expect.any(String),
		start_url: '/agent?source=pwa',
		scope: '/',
		display: 'standalone',
		theme_color: '#0b7a45',
		background_color: expect.stringMatching(/^#[0-9a-f]{6}$/)
	});
	expect(manifest.short_name.length).toBeLessThanOrEqual(12);

	const icons = manifest.icons as Icon[];
	const any = icons.filter((i) => (i.purpose ?? 'any').split(' ').includes('any'));
	const maskable = icons.filter((i) => i.purpose?.split(' ').includes('maskable'));
	expect(any.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
	expect(maskable.map((i) => i.sizes)).toContain('512x512');
	// A maskable icon is not also the "any" icon: launchers that do not crop would show its bleed.
	expect(maskable.filter((i) => any.includes(i))).toEqual([]);

	const shortcuts = manifest.shortcuts as { name: string; url: string; icons: Icon[] }[];
	expect(shortcuts.map((s) => [s.name, s.url])).toEqual([
		['Register subscriber', '/agent/register'],
		['Collect payment', '/agent/cash']
	]);
	const shortcutIcons = shortcuts.flatMap((s) => s.icons);
	expect(shortcutIcons).toHaveLength(2);

	for (const icon of [...icons, ...shortcutIcons]) {
		const file = await request.get(icon.src);
		expect(file.status(), icon.src).toBe(200);
		expect(file.headers()['content-type'], icon.src).toBe('image/png');
		expect(icon.type).toBe('image/png');
		const [width, height] = icon.sizes.split('x').map(Number);
		expect(pngSize(await file.body()), icon.src).toEqual({ width, height });
	}
});

test("the installed app starts in the agent area; a manager's starts on the manager's home", async ({
	browser
}) => {
	for (const [login, home] of [
		[LOGINS.nyotaAgent, /\/agent\?source=pwa$/],
		[LOGINS.nyotaManager, /\/manage$/]
	] as const) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await logIn(page, login);
		await page.goto('/agent?source=pwa');
		await expect(page).toHaveURL(home);
		await context.close();
	}
});

test('the service worker controls the page after a reload, and only the worker script is it', async ({
	page
}) => {
	await logIn(page, LOGINS.nyotaAgent);
	await waitForServiceWorker(page);
	await page.reload();
	await expect(page.getByTestId('home-title')).toBeVisible();
	expect(
		await page.evaluate(() => new URL(navigator.serviceWorker.controller!.scriptURL).pathname)
	).toBe('/service-worker.js');
	// Registered by the app (workbox-window), not by SvelteKit's inline start-up script as well.
	expect(await page.content()).not.toContain('serviceWorker.register');
	// The page's policy lets the worker run from our origin, and nothing else.
	const headers = (await page.request.get('/agent')).headers();
	expect(headers['content-security-policy']).toContain("worker-src 'self'");
	const script = await page.request.get('/service-worker.js');
	expect(script.headers()['content-type']).toMatch(/^(text|application)\/javascript/);
	expect(await script.text()).toContain('agent-outbox');
});

test('an agent is offered to install the app, once: "Not now" is remembered on the phone', async ({
	page
}) => {
	await logIn(page, LOGINS.nyotaAgent);
	// Chrome fires beforeinstallprompt when the app is installable; the test plays Chrome's part.
	const offerInstall = () =>
		page.evaluate(() => {
			const event = new Event('beforeinstallprompt', { cancelable: true });
			const calls: string[] = ((window as unknown as { promptCalls: string[] }).promptCalls ??= []);
			Object.assign(event, {
				prompt: async () => void calls.push('prompt'),
				userChoice: Promise.resolve({ outcome: 'accepted' })
			});
			dispatchEvent(event);
			return event.defaultPrevented;
		});
	// The browser's own mini bar is replaced by the app's card.
	expect(await offerInstall()).toBe(true);
	const card = page.getByTestId('install-app');
	await expect(card).toBeVisible();
	await expect(card).toContainText('Install the app');
	await page.getByTestId('install-app-button').click();
	expect(
		await page.evaluate(() => (window as unknown as { promptCalls: string[] }).promptCalls)
	).toEqual(['prompt']);
	await expect(card).toBeHidden();

	await page.reload();
	await waitForApp(page);
	await offerInstall();
	await expect(card).toBeVisible();
	await page.getByTestId('install-app-dismiss').click();
	await expect(card).toBeHidden();
	await page.reload();
	await waitForApp(page);
	await offerInstall();
	await page.waitForTimeout(300);
	await expect(card).toBeHidden();
});

test('a manager is not asked to install the app', async ({ page }) => {
	await logIn(page, LOGINS.nyotaManager);
	await page.evaluate(() => {
		const event = new Event('beforeinstallprompt', { cancelable: true });
		Object.assign(event, { prompt: async () => {}, userChoice: new Promise(() => {}) });
		dispatchEvent(event);
	});
	await page.waitForTimeout(300);
	await expect(page.getByTestId('install-app')).toBeHidden();
});
