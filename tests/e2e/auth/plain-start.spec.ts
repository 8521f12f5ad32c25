import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOGINS, PASSWORD } from '../fixtures/login';

// The README's first command, as a newcomer runs it: `npm start` with nothing configured (no
// ORIGIN), then the printed address opened in a browser. The other specs run against a server
// started with ORIGIN set, which hid that every form post was refused as cross-site.
const port = Number(process.env.E2E_PORT ?? 4173) + 11;
let server: ChildProcess | undefined;
let dataDir: string | undefined;

test.beforeAll(async () => {
	test.setTimeout(240_000);
	dataDir = mkdtempSync(join(tmpdir(), 'mtandao-plain-start-'));
	const env: NodeJS.ProcessEnv = {
		...process.env,
		PORT: String(port),
		DATA_DIR: dataDir,
		DEMO_ROUTER_PORT: String(port + 1),
		DEMO_MPESA_PORT: String(port + 2)
	};
	for (const name of [
		'ORIGIN',
		'HOST',
		'PUBLIC_URL',
		'DATABASE_URL',
		'APP_DATABASE_URL',
		'PROTOCOL_HEADER',
		'HOST_HEADER'
	])
		delete env[name];
	server = spawn(process.execPath, ['scripts/start.js'], { env, stdio: 'ignore', detached: true });
	const until = Date.now() + 200_000;
	for (;;) {
		const up = await fetch(`http://localhost:${port}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (up) break;
		if (Date.now() > until) throw new Error('npm start did not come up');
		await new Promise((r) => setTimeout(r, 500));
	}
});

test.afterAll(async () => {
	if (server?.pid && server.exitCode === null) {
		const exited = new Promise((r) => server!.once('exit', r));
		try {
			process.kill(-server.pid, 'SIGTERM');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
		} catch {
			// already gone
		}
	}
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('after a plain npm start, the printed address takes a login and a top-up look-up', async ({
	page
}) => {
	await page.goto(`http://localhost:${port}/login`);
	await page.waitForLoadState('networkidle');
	await page.getByLabel(/Phone number or email/).fill(LOGINS.nyotaManager);
	await page.getByLabel(/^Password$/).fill(PASSWORD);
	await page.getByRole('button', { name: /^Log in$/ }).click();
	await expect(page).toHaveURL(new RegExp(`localhost:${port}/manage$`));
	await expect(page.getByTestId('home-title')).toHaveText('Nyota Net');

	await page.goto(`http://localhost:${port}/pay/nyota`);
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Account number or phone').fill('0712 000 103');
	await page.getByLabel('Account number or phone').press('Enter');
	await expect(page.getByTestId('payer-name')).toHaveText('Fa***a Ha***n');
});
