import { expect, test } from '@playwright/test';
import { LoginPage } from '../fixtures/login';

test.use({ viewport: { width: 360, height: 740 } });

test('the login field takes a phone number or an email without the email keyboard', async ({
	page
}) => {
	await new LoginPage(page).open();
	const field = page.getByLabel('Phone number or email');
	await expect(field).toHaveAttribute('type', 'text');
	await expect(field).toHaveAttribute('autocomplete', 'username');
	// No inputmode: the plain keyboard has the digits and the "@", and does not change mid-word.
	expect(await field.getAttribute('inputmode')).toBeNull();
});

test('after too many failed attempts the message says how many minutes are left and what to do', async ({
	page,
	baseURL
}) => {
	// An account nobody uses, so no other test is locked out: attempts count whether or not it exists.
	const login = new LoginPage(page);
	for (let i = 0; i < 5; i++) {
		await login.logIn('0799000512', `wrong-${i}`);
		await expect(page.getByRole('alert')).toContainText('do not match an account');
	}
	await login.logIn('0799000512', 'wrong-again');
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('Too many failed attempts. Try again in 15 minutes');
	await expect(alert).toContainText('ask a manager for a reset link');
	await expect(alert).toContainText('Team page');

	await page.context().addCookies([{ name: 'lang', value: 'sw', url: baseURL! }]);
	await login.logIn('0799000512', 'wrong-again');
	await expect(page.getByRole('alert')).toContainText(/Jaribu tena baada ya dakika 1[45],/);
	await expect(page.getByRole('alert')).toContainText('muombe meneja kiungo');
});
