/**
 * Issue 15, Chromium at 360×740: a manager of the demo tenant Nyota Net opens the payments report
 * from the menu, sees a paybill payment just made (with its code, amount and subscriber) in the
 * totals and the list, filters by method, downloads the CSV (and it parses, with the same row), is
 * told plainly about a wrong date, and reads the page in Kiswahili. The payment is for a subscriber
 * of this spec's own, so no other spec's figures move.
 */
import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { LOGINS, apiAs } from '../fixtures/login';
import { registerOwnSubscriber, type OwnSubscriber } from '../fixtures/nyota-subscriber';
import { waitForApp } from '../fixtures/pages';
import { expectFitsPhone, logIn, useLanguage } from '../network/network-pages';
import { daraja } from '../payments/manager-pages';

let own: OwnSubscriber;

test.beforeAll(async ({ baseURL }) => {
	const nyota = await apiAs(playwright, baseURL!, LOGINS.nyotaManager);
	own = await registerOwnSubscriber(nyota, `Report Payer ${Date.now().toString(36).slice(-6)}`);
	await nyota.dispose();
});

test('a paybill payment shows in the payments report and its CSV, filtered by method, in English and Kiswahili', async ({
	page
}) => {
	test.setTimeout(60_000);
	const paid = await daraja.payBill({ amount: 43, msisdn: own.phone, account: own.account });
	expect(paid.outcome).toBe('completed');
	const code = String(paid.transId);

	await logIn(page, LOGINS.nyotaManager);
	await page.goto('/manage/more');
	await waitForApp(page);
	await page.getByTestId('more-reports').click();
	await page.getByTestId('report-payments').click();
	await expect(page).toHaveURL(/\/manage\/reports\/payments$/);
	await waitForApp(page);

	// This month so far: the payment is in the list and in the totals.
	const row = page.getByTestId('report-rows').locator('li', { hasText: code });
	await expect(row).toContainText('KES 43');
	await expect(row).toContainText(`${own.name} #${own.account}`);
	await expect(row).toContainText('Paybill or till');
	await expect(page.getByTestId('report-received')).toContainText('KES');
	await expectFitsPhone(page);

	// Paybill only: still there; cash only: not.
	await page.getByText('Filters').click();
	await page.getByLabel('Method').selectOption('paybill');
	await page.getByRole('button', { name: 'Show report' }).click();
	await expect(page).toHaveURL(/method=paybill/);
	await expect(page.getByTestId('report-rows').locator('li', { hasText: code })).toBeVisible();
	for (const method of await page.getByTestId('report-rows').locator('li').all())
		await expect(method).toHaveAttribute('data-method', 'paybill');
	await page.getByLabel('Method').selectOption('cash');
	await page.getByRole('button', { name: 'Show report' }).click();
	await expect(page).toHaveURL(/method=cash/);
	await expect(page.getByText(code)).toHaveCount(0);
	await page.getByLabel('Method').selectOption('paybill');
	await page.getByRole('button', { name: 'Show report' }).click();
	await expect(page).toHaveURL(/method=paybill/);

	// The CSV: the same filter, every row, and it parses.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByTestId('report-csv').click()
	]);
	expect(download.suggestedFilename()).toMatch(
		/^payments-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/
	);
	const records: string[][] = parse(await readFile(await download.path()), { bom: true });
	expect(records[0]).toEqual([
		'Time (Nairobi)',
		'Method',
		'Status',
		'Amount (KES)',
		'Receipt',
		'Phone',
		'Payer name',
		'Account',
		'Subscriber',
		'Package',
		'Agent',
		'Site'
	]);
	const line = records.find((record) => record[4] === code);
	expect(line?.slice(1, 4)).toEqual(['Paybill or till', 'Paid', '43']);
	expect(line?.[7]).toBe(own.account);
	expect(line?.[8]).toBe(own.name);
	expect(records.slice(1).every((record) => record[1] === 'Paybill or till')).toBe(true);

	// A wrong date is named, and nothing breaks.
	const wrong = await page.goto('/manage/reports/payments?from=2026-02-30');
	expect(wrong?.status()).toBe(200);
	await expect(page.getByText('Enter a date as YYYY-MM-DD')).toBeVisible();
	const csv = await page.request.get('/manage/reports/payments.csv?to=2026-13-01');
	expect(csv.status()).toBe(400);
	expect((await csv.json()).errors).toEqual({ to: 'Enter a date as YYYY-MM-DD' });

	// In Kiswahili, on the phone.
	await page.goto('/manage/reports/payments?method=paybill');
	await waitForApp(page);
	await useLanguage(page, 'sw');
	await expect(page.getByRole('heading', { name: 'Ripoti ya malipo' })).toBeVisible();
	await expect(page.getByTestId('report-rows').locator('li', { hasText: code })).toContainText(
		'Paybill au till'
	);
	await expectFitsPhone(page);
	await useLanguage(page, 'en');
});
