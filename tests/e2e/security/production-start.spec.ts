import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import postgres from 'postgres';
import { hashPassword } from '../../../src/lib/server/auth/password';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../../../src/lib/server/demo/logins.js';
import { PLATFORM_TENANT_ID } from '../../../src/lib/server/tenants/root';

// An operator's first production start: DATABASE_URL on an empty database and nothing else. It must
// refuse until PUBLIC_URL is set, then start with no demo account and no simulator, and let
// `npm run admin` make the first platform admin. Its own database, made and dropped here.
const base = Number(process.env.E2E_PORT ?? 4173);
const port = base + 3;
const simulatorPorts = [base + 4, base + 5];
const PUBLIC_URL = 'https://billing.example.co.ke';
const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `mtandao_prodstart_${randomBytes(5).toString('hex')}`;
const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();

test.describe.configure({ mode: 'serial' });

let server: ChildProcess | undefined;
let output = '';

/** `npm start` with only what is named (and PATH/HOME to find node and a home). */
function start(env: Record<string, string>): ChildProcess {
	output = '';
	const child = spawn(process.execPath, ['scripts/start.js'], {
		env: {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			PORT: String(port),
			DEMO_ROUTER_PORT: String(simulatorPorts[0]),
			DEMO_MPESA_PORT: String(simulatorPorts[1]),
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	return child;
}

function exited(child: ChildProcess, ms: number): Promise<number | null | 'running'> {
	return new Promise((resolve) => {
		if (child.exitCode !== null) return resolve(child.exitCode);
		const timer = setTimeout(() => resolve('running'), ms);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolve(code);
		});
	});
}

async function stop(child: ChildProcess | undefined) {
	if (!child?.pid || child.exitCode !== null) return;
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		return;
	}
	if ((await exited(child, 10_000)) === 'running') process.kill(-child.pid, 'SIGKILL');
}

async function healthy(until: number, child: ChildProcess): Promise<boolean> {
	while (Date.now() < until && child.exitCode === null) {
		if (
			await fetch(`http://127.0.0.1:${port}/healthz`).then(
				(r) => r.ok,
				() => false
			)
		)
			return true;
		await new Promise((r) => setTimeout(r, 500));
	}
	return false;
}

const portOpen = (p: number) =>
	new Promise<boolean>((resolve) => {
		const socket = connect({ host: '127.0.0.1', port: p });
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});

/** The login form as a browser at PUBLIC_URL posts it: 303 and a session when it is right. */
async function logIn(login: string, password: string) {
	const response = await fetch(`http://127.0.0.1:${port}/login`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: PUBLIC_URL,
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'text/html'
		},
		body: new URLSearchParams({ login, password })
	});
	const session = /(?:^|,\s*)(session=[^;]+)/.exec(response.headers.get('set-cookie') ?? '');
	return {
		status: response.status,
		location: response.headers.get('location'),
		session: Boolean(session),
		cookie: session?.[1]
	};
}

test.beforeAll(async () => {
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${dbName}`);
	await admin.end();
});

test.afterAll(async () => {
	await stop(server);
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`drop database if exists ${dbName} with (force)`);
	await admin.end();
});

test('with DATABASE_URL alone it refuses to start and says PUBLIC_URL is required', async () => {
	test.setTimeout(120_000);
	server = start({ DATABASE_URL: dbUrl });
	const code = await exited(server, 90_000);
	expect(code).not.toBe('running');
	expect(code).not.toBe(0);
	expect(output).toMatch(/PUBLIC_URL is required/);
	expect(output).not.toMatch(/\n\s+at /);
});

test('with an https PUBLIC_URL it starts with no demo account and no simulator listening', async () => {
	test.setTimeout(180_000);
	server = start({ DATABASE_URL: dbUrl, PUBLIC_URL });
	expect(await healthy(Date.now() + 150_000, server), output).toBe(true);
	for (const { login } of DEMO_LOGINS) expect((await logIn(login, DEMO_PASSWORD)).status).toBe(400);
	for (const p of simulatorPorts) expect(await portOpen(p)).toBe(false);
	expect(output).not.toContain(DEMO_PASSWORD);
	const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
	const [counts] = await db<{ users: number; tenants: number }[]>`
		select (select count(*)::int from users) as users, (select count(*)::int from tenants where id <> ${PLATFORM_TENANT_ID}) as tenants`;
	await db.end();
	expect(counts).toEqual({ users: 0, tenants: 0 });
});

test('npm run admin -- create-platform-admin makes the first admin, who logs in to pages with no DEMO badge', async () => {
	test.setTimeout(120_000);
	const created = await new Promise<{ code: number | null; out: string }>((done) => {
		const child = spawn(
			'npm',
			['run', '--silent', 'admin', '--', 'create-platform-admin', '--email', 'root@isp.example'],
			{
				env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: dbUrl },
				stdio: ['pipe', 'pipe', 'pipe']
			}
		);
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('exit', (code) => done({ code, out }));
		child.stdin.end('first-admin-password\n');
	});
	expect(created.code, created.out).toBe(0);
	const signedIn = await logIn('root@isp.example', 'first-admin-password');
	expect(signedIn).toMatchObject({ status: 303, location: '/platform', session: true });
	const cookie = signedIn.cookie!;
	const page = await fetch(`http://127.0.0.1:${port}/platform`, { headers: { cookie } });
	expect(page.status).toBe(200);
	expect(await page.text()).not.toContain('data-testid="demo-banner"');
	await stop(server);
});

test('it refuses to start while any account accepts the demo password', async () => {
	test.setTimeout(180_000);
	await stop(server);
	const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
	await db`insert into users (tenant_id, role, name, email, password_hash)
		values (${PLATFORM_TENANT_ID}, 'platform_admin', 'Left from a demo', 'admin@mtandao.local', ${await hashPassword(DEMO_PASSWORD)})`;
	await db.end();
	server = start({ DATABASE_URL: dbUrl, PUBLIC_URL });
	const code = await exited(server, 150_000);
	expect(code, output).not.toBe('running');
	expect(code).not.toBe(0);
	expect(output).toMatch(/1 account\(s\) still accept the demo password \(admin@mtandao\.local\)/);
	expect(output).not.toMatch(/\n\s+at /);
});
