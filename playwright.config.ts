import { defineConfig, devices } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = Number(process.env.E2E_PORT ?? 4173);
const origin = `http://127.0.0.1:${port}`;
// A fresh embedded database per run unless DATABASE_URL names a Postgres (CI creates a fresh one).
const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'mtandao-e2e-'));

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 30_000,
	reporter: process.env.CI ? 'list' : 'line',
	use: {
		baseURL: origin,
		...devices['Pixel 5'],
		viewport: { width: 360, height: 740 },
		browserName: 'chromium',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		},
		trace: 'off'
	},
	webServer: {
		command: 'node scripts/start.js',
		url: `${origin}/healthz`,
		timeout: 240_000,
		reuseExistingServer: false,
		stdout: 'pipe',
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: origin,
			...(dataDir ? { DATA_DIR: dataDir } : {}),
			// A DATABASE_URL alone means production (no demo, no simulators): the e2e runs on Postgres are
			// demo runs, which is what SEED_DEMO=yes says.
			...(process.env.DATABASE_URL
				? { DATABASE_URL: process.env.DATABASE_URL, SEED_DEMO: 'yes' }
				: {})
		}
	}
});
