import { expect, test, type Browser, type Page } from '@playwright/test';
import { LOGINS, LoginPage } from '../fixtures/login';
import { openReady } from '../fixtures/pages';

const PHONE = { width: 360, height: 740 };

/** A fresh phone number per run, so a test never finds the account of an earlier one. */
function freshPhone(): string {
	return `07${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

async function newPhone(browser: Browser): Promise<Page> {
	return (await browser.newContext({ viewport: PHONE })).newPage();
}

async function expectFitsThePhone(page: Page) {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		PHONE.width
	);
}

/**
 * The Nyota manager, reading English: the language follows the account, and another spec may have
 * left this one in Kiswahili.
 */
async function logInManager(page: Page) {
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	await page.context().addCookies([{ name: 'lang', value: 'en', url: page.url() }]);
}

/** The manager invites an agent and the agent joins with `password`; returns the agent's phone. */
async function inviteAgent(
	manager: Page,
	agent: Page,
	name: string,
	password: string
): Promise<string> {
	const phone = freshPhone();
	await openReady(manager, '/manage/team');
	await manager.getByLabel('Full name').fill(name);
	await manager.getByLabel('Phone number or email').fill(phone);
	await manager.getByRole('button', { name: 'Create invitation' }).click();
	const link = (await manager.getByTestId('invite-link').textContent())!.trim();
	await openReady(agent, link);
	await agent.getByLabel('Password', { exact: true }).fill(password);
	await agent.getByLabel('Password again').fill(password);
	await agent.getByRole('button', { name: 'Create my account' }).click();
	await expect(agent).toHaveURL(/\/agent$/);
	return phone;
}

test('a staff member changes the password: the current one is required, other devices are logged out, the new one logs in', async ({
	page,
	browser
}) => {
	await logInManager(page);
	const agent = await newPhone(browser);
	const phone = await inviteAgent(page, agent, 'Amina Changes', 'first password 1');

	const otherDevice = await newPhone(browser);
	await new LoginPage(otherDevice).logIn(phone, 'first password 1');
	await expect(otherDevice).toHaveURL(/\/agent$/);

	await agent.getByTestId('account-link').click();
	await expect(agent).toHaveURL(/\/account\/password$/);
	await expect(agent.getByRole('heading', { name: 'Change your password' })).toBeVisible();
	await expectFitsThePhone(agent);

	await agent.getByLabel('Current password').fill('not my password');
	await agent.getByLabel('New password').fill('second password 2');
	await agent.getByLabel('Password again').fill('second password 2');
	await agent.getByRole('button', { name: 'Change password' }).click();
	await expect(agent.getByText('That is not your current password.')).toBeVisible();

	await agent.getByLabel('Current password').fill('first password 1');
	await agent.getByLabel('New password').fill('second password 2');
	await agent.getByLabel('Password again').fill('second password 2');
	await agent.getByRole('button', { name: 'Change password' }).click();
	await expect(agent.getByTestId('password-changed')).toBeVisible();
	await expectFitsThePhone(agent);

	// The other device's session ended; this one did not.
	await otherDevice.goto('/agent');
	await expect(otherDevice).toHaveURL(/\/login/);
	await agent.goto('/agent');
	await expect(agent).toHaveURL(/\/agent$/);

	await agent.getByTestId('logout').click();
	await new LoginPage(agent).logIn(phone, 'first password 1');
	await expect(agent.getByRole('alert')).toBeVisible();
	await new LoginPage(agent).logIn(phone, 'second password 2');
	await expect(agent).toHaveURL(/\/agent$/);
});

test('a manager makes a one-time reset link; it sets a new password, logs the person out everywhere and works once', async ({
	page,
	browser
}) => {
	await logInManager(page);
	const agent = await newPhone(browser);
	const phone = await inviteAgent(page, agent, 'Baraka Forgets', 'first password 1');

	await page.goto('/manage/team');
	await page.getByRole('link', { name: /Baraka Forgets/ }).click();
	await page.getByRole('button', { name: 'Make a password reset link' }).click();
	const link = (await page.getByTestId('reset-link').textContent())!.trim();
	// Built from the configured address, not from whatever Host the request carried.
	expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/reset\/[a-z2-7]{24}\.[a-z2-7]{32}$/);
	await expectFitsThePhone(page);

	const stranger = await newPhone(browser);
	await openReady(stranger, link);
	await expect(stranger.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
	await expect(stranger.getByText('For Baraka Forgets')).toBeVisible();
	await expectFitsThePhone(stranger);
	await stranger.getByLabel('New password').fill('reset password 3');
	await stranger.getByLabel('Password again').fill('reset password 3');
	await stranger.getByRole('button', { name: 'Save the new password' }).click();
	await expect(stranger).toHaveURL(/\/agent$/);

	// The session opened before the reset is gone; the link does not open twice.
	await agent.goto('/agent');
	await expect(agent).toHaveURL(/\/login/);
	const again = await agent.goto(link);
	expect(again?.status()).toBe(404);
	await expect(agent.getByText('This password reset link is not valid any more.')).toBeVisible();

	await new LoginPage(agent).logIn(phone, 'reset password 3');
	await expect(agent).toHaveURL(/\/agent$/);
});

test('a manager revokes an invitation that was not used; its link then says so and creates no account', async ({
	page,
	browser
}) => {
	await logInManager(page);
	await openReady(page, '/manage/team');
	await page.getByLabel('Full name').fill('Chebet Wrong Number');
	await page.getByLabel('Phone number or email').fill(freshPhone());
	await page.getByRole('button', { name: 'Create invitation' }).click();
	const link = (await page.getByTestId('invite-link').textContent())!.trim();

	const invitations = page.getByTestId('invitations');
	await expect(invitations).toContainText('Chebet Wrong Number');
	await expectFitsThePhone(page);
	await invitations.getByRole('button', { name: 'Revoke: Chebet Wrong Number' }).click();
	await expect(page.getByRole('status')).toContainText(
		'The invitation for Chebet Wrong Number is revoked'
	);
	await expect(page.getByTestId('invitations').getByText('Chebet Wrong Number')).toHaveCount(0);

	const invitee = await newPhone(browser);
	const response = await invitee.goto(link);
	expect(response?.status()).toBe(410);
	await expect(invitee.getByText('This invitation was cancelled by your manager.')).toBeVisible();
	await expect(invitee.getByRole('button', { name: 'Create my account' })).toHaveCount(0);
});
