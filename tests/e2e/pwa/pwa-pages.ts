/** Shared by the PWA specs: logging in on a fresh phone and waiting for the service worker. */
import { expect, type Page } from '@playwright/test';
import { PASSWORD } from '../fixtures/login';
import { openReady } from '../fixtures/pages';

/** Logs in through the form; resolves on the user's home page, hydrated. */
export async function logIn(page: Page, login: string, password = PASSWORD): Promise<void> {
	await openReady(page, '/login');
	await page.getByLabel(/Phone number or email|Nambari ya simu au barua pepe/).fill(login);
	await page.getByLabel(/^(Password|Nenosiri)$/).fill(password);
	await page.getByRole('button', { name: /^(Log in|Ingia)$/ }).click();
	await expect(page).toHaveURL(/\/(manage|agent|platform)$/);
}

/** Waits until a service worker is active for this origin and controls the current page. */
export async function waitForServiceWorker(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await expect
		.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
			message: 'the service worker controls the page'
		})
		.toBe(true);
}

/** The width and height a PNG says it has (IHDR), or null for anything that is not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return null;
	if (bytes.toString('ascii', 12, 16) !== 'IHDR') return null;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The addresses kept in the page's caches (the service worker's and the app's), cache by cache. */
export async function cachedUrls(page: Page): Promise<Record<string, string[]>> {
	return page.evaluate(async () => {
		const out: Record<string, string[]> = {};
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			out[name] = (await cache.keys()).map((r) => `${r.method} ${new URL(r.url).pathname}`);
		}
		return out;
	});
}
