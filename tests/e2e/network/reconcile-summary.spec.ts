import { expect, test } from '@playwright/test';
import { LOGINS } from '../fixtures/login';
import { logIn, useLanguage } from './network-pages';

test('the last reconcile of a router reads in the manager’s language', async ({ page }) => {
	await logIn(page, LOGINS.pwaniManager, 'sw');
	await page.goto('/manage/routers');
	await page.locator('a[href^="/manage/routers/"]').first().click();
	await page.waitForLoadState('networkidle');
	await page.getByTestId('reconcile').click();
	await expect(page.getByTestId('reconcile-report')).toBeVisible({ timeout: 20_000 });

	await page.reload();
	await expect(page.getByTestId('last-reconcile')).toHaveText(
		/^Iliangaliwa mwisho .*: (iko sawa \(watumiaji \d+ wameangaliwa\)|\d+ zimerekebishwa \(.+\))\./
	);
	await useLanguage(page, 'en');
	await expect(page.getByTestId('last-reconcile')).toHaveText(
		/^Last checked .*: (in step \(\d+ users checked\)|\d+ repaired \(.+\))\./
	);
});
