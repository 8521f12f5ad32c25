/**
 * Long text on a phone: data made of one-word, maximum-length values, and the check that a page
 * still fits a 360 px screen with its bottom navigation on screen.
 */
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD } from '../fixtures/login';

const VIEWPORT = { width: 360, height: 740 };

/** One word of exactly `length` characters, unique to the run, readable in a screenshot. */
export function longWord(prefix: string, run: string, length = 80): string {
	const filler = 'Wanjikuwamwangikamaunairobikenya';
	let word = `${prefix}${run}`;
	while (word.length < length) word += filler;
	return word.slice(0, length);
}

/**
 * Opens `path` and checks it fits the phone: nothing wider than the viewport, and the bottom
 * navigation (on staff pages) on screen. With LONG_TEXT_SHOTS=<dir> it also keeps a screenshot.
 */
export async function expectPageFits(page: Page, path: string | null, shot: string) {
	if (path !== null) await page.goto(path);
	await page.waitForLoadState('networkidle').catch(() => {});
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	const dir = process.env.LONG_TEXT_SHOTS;
	if (dir) {
		mkdirSync(dir, { recursive: true });
		await page.screenshot({ path: join(dir, `${shot}.png`), fullPage: true, scale: 'css' });
	}
	// LONG_TEXT_MEASURE=1 only reports the widths (to measure a build before a fix).
	if (process.env.LONG_TEXT_MEASURE) {
		const nav = (await page.locator('nav.bottom-nav').count())
			? await page.locator('nav.bottom-nav').boundingBox()
			: null;
		const clipped = await clippedLabels(page);
		console.log(
			`width ${String(width).padStart(5)} px  nav right ${nav ? Math.round(nav.x + nav.width) : '-'}  ${shot}  ${clipped.join(' | ')}`
		);
		return;
	}
	expect
		.soft(width, `${shot} (${page.url()}) is ${width} px wide`)
		.toBeLessThanOrEqual(VIEWPORT.width);
	const broken = await clippedLabels(page);
	expect
		.soft(broken, `${shot}: buttons whose words are broken apart, or menus whose label is cut off`)
		.toEqual([]);
	const nav = page.locator('nav.bottom-nav');
	if (await nav.count()) {
		const box = (await nav.boundingBox())!;
		expect.soft(box.x, `${shot}: bottom navigation starts on screen`).toBeGreaterThanOrEqual(0);
		expect
			.soft(box.x + box.width, `${shot}: bottom navigation ends on screen`)
			.toBeLessThanOrEqual(VIEWPORT.width);
		expect
			.soft(box.y + box.height, `${shot}: bottom navigation is at the bottom of the screen`)
			.toBeLessThanOrEqual(VIEWPORT.height + 0.5);
		for (const link of await nav.getByRole('link').all()) {
			const linkBox = (await link.boundingBox())!;
			expect
				.soft(linkBox.x + linkBox.width, `${shot}: "${await link.textContent()}" is on screen`)
				.toBeLessThanOrEqual(VIEWPORT.width + 0.5);
		}
	}
}

/**
 * Buttons (and links styled as buttons) too narrow for one of their own words: squeezed beside a
 * long name, "Revoke" becomes a column of letters. And closed menus too narrow for their chosen
 * label ("All packag|"). Text longer than 20 characters is data (a long name), which may be cut.
 */
async function clippedLabels(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const probe = document.createElement('span');
		probe.style.cssText =
			'position:absolute;visibility:hidden;white-space:nowrap;left:-9999px;top:0';
		document.body.append(probe);
		const broken: string[] = [];
		for (const el of document.querySelectorAll<HTMLElement>('button, a.button, nav a')) {
			const box = el.getBoundingClientRect();
			if (box.width === 0 || el.closest('.sr-only')) continue;
			const style = getComputedStyle(el);
			probe.style.font = style.font;
			probe.style.letterSpacing = style.letterSpacing;
			const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
			for (const word of el.innerText.split(/\s+/).filter((w) => w && w.length <= 20)) {
				probe.textContent = word;
				if (probe.getBoundingClientRect().width > room + 1)
					broken.push(`${el.innerText.trim()} [${word}]`);
			}
		}
		for (const select of document.querySelectorAll<HTMLSelectElement>('select')) {
			const label = select.selectedOptions[0]?.text.trim() ?? '';
			if (!label || label.length > 20 || select.getBoundingClientRect().width === 0) continue;
			const style = getComputedStyle(select);
			probe.style.font = style.font;
			probe.textContent = label;
			// The menu's arrow takes about 20 px of the content box.
			const room =
				select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
			if (probe.getBoundingClientRect().width > room + 1) broken.push(`menu "${label}"`);
		}
		probe.remove();
		return broken;
	});
}

/** Logs a browser in through the form once it is hydrated; resolves on the user's home page. */
export async function logInAs(page: Page, login: string, password = PASSWORD) {
	// Leave the previous user's page first: an answer still on its way to it could bring back the
	// cookie being cleared.
	await page.goto('about:blank');
	await page.context().clearCookies();
	await page.goto('/login');
	await page.waitForLoadState('networkidle');
	await page.getByLabel(/Phone number or email|Nambari ya simu au barua pepe/).fill(login);
	await page.getByLabel(/^(Password|Nenosiri)$/).fill(password);
	await page.getByRole('button', { name: /^(Log in|Ingia)$/ }).click();
	await expect(page).toHaveURL(/\/(manage|agent|platform)$/);
}

/** Switches the page (and the account's saved choice) to `lang`, if it is not already. */
export async function useLanguage(page: Page, lang: 'en' | 'sw') {
	const languageSwitch = page.getByTestId('language-switch');
	if ((await languageSwitch.getAttribute('lang')) === lang) {
		await languageSwitch.click();
		await expect(languageSwitch).toHaveAttribute('lang', lang === 'en' ? 'sw' : 'en');
	}
}

/** Posts a form action the way a browser without JavaScript does; returns the answer. */
export async function postForm(
	request: APIRequestContext,
	path: string,
	form: Record<string, string>
) {
	const response = await request.post(path, { form, maxRedirects: 0 });
	expect(response.status(), `${path}: ${response.status()}`).toBeLessThan(400);
	return response;
}

/** Where a 303 after a form post goes. */
export function locationOf(response: { headers(): Record<string, string> }): string {
	return response.headers()['location'] ?? '';
}

/** The invitation link on a page that just created one. */
export function inviteLinkIn(html: string): string {
	const match = /\/invite\/[a-z2-7]{24}\.[a-z2-7]{32}/.exec(html);
	expect(match, 'an invitation link on the page').not.toBeNull();
	return match![0];
}

/** A Kenyan mobile number that no other spec of the run uses. */
export function freshPhone(): string {
	return `0719${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
}
