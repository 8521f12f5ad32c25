/**
 * Issue 11 §10: a PPPoE package cannot be given a data cap (it would never reach the router), and
 * a subscriber whose router jobs keep failing says so at the top of its page, on a phone.
 */
import { expect, test } from '@playwright/test';
import { createServer } from 'node:net';
import { LOGINS } from '../fixtures/login';
import {
	PackagesPage,
	RegisterSubscriberPage,
	RoutersPage,
	SIM_ROUTER,
	expectFitsPhone,
	logIn
} from '../network/network-pages';

const run = Date.now().toString(36).slice(-5);
const phone = (seed: number) => `07${String((Date.now() + seed) % 100_000_000).padStart(8, '0')}`;

/** A port nothing listens on: bound once by us, then let go. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

test('a data cap on a PPPoE package is refused with a field message', async ({ page }) => {
	await logIn(page, LOGINS.nyotaManager);
	const packages = new PackagesPage(page);
	await packages.open();
	await page
		.locator('form[action="?/create"]')
		.getByLabel('Data cap in MB (optional)')
		.fill('5000');
	await packages.create({
		name: `Home capped ${run}`,
		kind: 'PPPoE',
		price: '1500',
		validity: '1',
		unit: 'Months',
		rate: '5M/5M'
	});
	await expect(page.getByText('PPPoE packages cannot have a data cap yet')).toBeVisible();
	await expect(page.getByTestId('packages')).not.toContainText(`Home capped ${run}`);
	await expectFitsPhone(page);
});

test("a subscriber's page tells the manager that its router jobs are failing", async ({ page }) => {
	test.setTimeout(90_000);
	await logIn(page, LOGINS.nyotaManager);
	// The package first: its own router job would otherwise be the one failing ahead of the subscriber's.
	const packages = new PackagesPage(page);
	await packages.open();
	await packages.create({
		name: `Daily down ${run}`,
		price: '50',
		validity: '1',
		unit: 'Days',
		rate: '2M/5M'
	});
	await expect(page.getByRole('status')).toContainText(`Daily down ${run}`);
	const routers = new RoutersPage(page);
	await routers.open();
	await routers.add({ ...SIM_ROUTER, name: `Down ${run}`, port: await closedPort() });

	const register = new RegisterSubscriberPage(page);
	await register.open();
	await register.register({
		name: `Stuck ${run}`,
		phone: phone(7),
		router: `Down ${run}`,
		packageName: `Daily down ${run}`
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	await page.getByTestId('renew').click();
	await expect(async () => {
		await page.reload();
		await expect(page.getByTestId('jobs-stuck')).toBeVisible({ timeout: 1_000 });
	}).toPass({ timeout: 45_000 });
	await expect(page.getByTestId('jobs-stuck')).toContainText(
		'Router changes for this subscriber are not going through'
	);
	await expect(page.getByTestId('jobs-stuck')).toContainText('retrying');
	await expectFitsPhone(page);

	// A second subscriber on that router: its job waits behind the failing one, and its page says so.
	await register.open();
	await register.register({
		name: `Queued ${run}`,
		phone: phone(8),
		router: `Down ${run}`,
		packageName: `Daily down ${run}`
	});
	await expect(page).toHaveURL(/\/manage\/subscribers\/[0-9a-f-]{36}$/);
	await expect(page.getByTestId('jobs-stuck')).toHaveAttribute('data-job-status', 'blocked');
	await expect(page.getByTestId('jobs-stuck')).toContainText(
		'waiting behind another change that keeps failing'
	);
	await expectFitsPhone(page);
});
