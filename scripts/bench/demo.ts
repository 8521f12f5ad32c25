/**
 * For the agent-phone figures: the production build served by `npm start` as the demo (demo data,
 * demo logins, the simulated router and Daraja), on a scratch Postgres database so that the bench
 * can count on the server what the phone sent; and Chromium emulating a mid-range Android phone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import postgres from 'postgres';
import { chromium, devices, type Browser, type BrowserContext } from '@playwright/test';

export const AGENT = { login: '0711000002', password: 'mtandao-demo' };

export interface Demo {
	url: string;
	/** Owner URL of the demo's scratch database (the bench reads it past row-level security). */
	databaseUrl: string;
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** The port in `name` when set (each engineer on this machine has their own), else a free one. */
export async function port(name: string): Promise<number> {
	return process.env[name] ? Number(process.env[name]) : freePort();
}

/**
 * `npm start` in demo mode on BENCH_DATABASE_URL's server (default the local one), in a database
 * made for this run and dropped by `stop`. `npm start` builds first when the sources are newer.
 */
export async function startDemo(): Promise<Demo> {
	const [appPort, routerPort, mpesaPort] = [
		await port('E2E_PORT'),
		await port('DEMO_ROUTER_PORT'),
		await port('DEMO_MPESA_PORT')
	];
	const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const name = `mtandao_bench_agent_${randomBytes(4).toString('hex')}`;
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const database = new URL(base);
	database.pathname = `/${name}`;
	const databaseUrl = database.toString();

	const url = `http://127.0.0.1:${appPort}`;
	const env: Record<string, string | undefined> = { ...process.env };
	for (const key of ['PUBLIC_URL', 'MTANDAO_MODE', 'DATA_DIR']) delete env[key];
	let output = '';
	const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
		env: {
			...env,
			// Postgres with the demo seeded: what the e2e runs on Postgres do.
			DATABASE_URL: databaseUrl,
			SEED_DEMO: 'yes',
			PORT: String(appPort),
			HOST: '127.0.0.1',
			ORIGIN: url,
			DEMO_ROUTER_PORT: String(routerPort),
			DEMO_MPESA_PORT: String(mpesaPort)
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
		}
		await admin.unsafe(`drop database if exists ${name} with (force)`);
		await admin.end();
	};
	// Long enough for a build on this 2-core machine.
	const deadline = Date.now() + 600_000;
	while (Date.now() < deadline && child.exitCode === null) {
		const ready = await fetch(`${url}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ready) return { url, databaseUrl, stop };
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	await stop();
	throw new Error(`The demo server did not start:\n${output}`);
}

export function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu']
	});
}

/** A phone (Pixel 5's user agent and touch, 360×740) with the demo agent logged in. */
export async function agentPhone(
	browser: Browser,
	demo: Demo,
	options: { serviceWorkers: 'allow' | 'block' }
): Promise<BrowserContext> {
	const context = await browser.newContext({
		...devices['Pixel 5'],
		viewport: { width: 360, height: 740 },
		baseURL: demo.url,
		serviceWorkers: options.serviceWorkers
	});
	const login = await context.request.post('/login', {
		form: { login: AGENT.login, password: AGENT.password },
		headers: { origin: demo.url, accept: 'text/html' },
		maxRedirects: 0
	});
	if (login.status() !== 303)
		throw new Error(`The demo agent could not log in (${login.status()})`);
	return context;
}
