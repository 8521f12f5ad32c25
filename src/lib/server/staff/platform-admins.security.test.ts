import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { openDatabase, setDatabase, withTenant, type Database } from '../db';
import { users } from '../db/schema';
import { hashPassword } from '../auth/password';
import { login } from '../auth/login';
import { createSession, generateSessionToken, validateSessionToken } from '../auth/session';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { DEMO_PASSWORD } from '../demo/logins.js';
import { makeTestDataDir, openTestDatabase, type TestDatabase } from '../testing/database';
import { runAdminCommand } from './admin-command';

// The commands run in this process on the file's database, fed standard input and read back
// as the operator's terminal shows them; one runs as `npm run admin` for real, at the end.
let db: TestDatabase;

beforeAll(async () => {
	db = await openTestDatabase();
});

afterAll(() => db?.close());

async function admin(args: string[], stdin = ''): Promise<{ code: number; out: string }> {
	let out = '';
	const sink = () => {
		const stream = new PassThrough();
		stream.on('data', (d) => (out += d));
		return stream;
	};
	const code = await runAdminCommand(args, {
		stdin: Readable.from([stdin]),
		stdout: sink(),
		stderr: sink(),
		// The file's database is already the current one; the command must not close it.
		openDatabase: async () => ({ close: async () => {} })
	});
	return { code, out };
}

const platformAdmins = (email?: string) =>
	withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx
			.select({ email: users.email, role: users.role })
			.from(users)
			.where(eq(users.role, 'platform_admin'))
	).then((rows) => rows.filter((r) => !email || r.email === email));

describe('npm run admin -- create-platform-admin', () => {
	it('refuses a password given on the command line, and creates nothing', async () => {
		for (const args of [
			['--password', 'a-long-password'],
			['--password=a-long-password'],
			['-p', 'a-long-password']
		]) {
			const run = await admin(
				['create-platform-admin', '--email', 'root@isp.example', ...args],
				// Even with a good password waiting on standard input.
				'a-long-password\n'
			);
			expect(run.code).toBe(2);
			expect(run.out).toMatch(/password on the command line/);
		}
		expect(await platformAdmins()).toEqual([]);
	});

	it('refuses a password shorter than the app allows, and the demo password', async () => {
		const short = await admin(['create-platform-admin', '--email', 'root@isp.example'], 'short\n');
		expect(short.code).toBe(1);
		expect(short.out).toMatch(/at least 8 characters/);
		const demo = await admin(
			['create-platform-admin', '--email', 'root@isp.example'],
			`${DEMO_PASSWORD}\n`
		);
		expect(demo.code).toBe(1);
		expect(demo.out).toMatch(/demo password/);
		expect(await platformAdmins()).toEqual([]);
	});

	it('creates the first platform admin from a password on standard input, who can then log in', async () => {
		const run = await admin(
			['create-platform-admin', '--email', 'Root@ISP.example', '--name', 'Amina Root'],
			'first-admin-password\n'
		);
		expect(run.code, run.out).toBe(0);
		expect(run.out).toMatch(/root@isp\.example created/);
		expect(run.out).not.toContain('first-admin-password');
		expect(await platformAdmins()).toEqual([{ email: 'root@isp.example', role: 'platform_admin' }]);
		const result = await login('root@isp.example', 'first-admin-password', { ip: '192.0.2.10' });
		expect(result.ok && result.user.role).toBe('platform_admin');
	});

	it('refuses a second account with the same email', async () => {
		const run = await admin(
			['create-platform-admin', '--email', 'root@isp.example'],
			'another-password\n'
		);
		expect(run.code).toBe(1);
		expect(run.out).toMatch(/already has an account/);
	});
});

describe('npm run admin -- reset-password', () => {
	it('gives an account found by email a new password and ends every session it had', async () => {
		const token = generateSessionToken();
		const [user] = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			tx.select().from(users).where(eq(users.email, 'root@isp.example'))
		);
		await createSession(token, user!);
		expect((await validateSessionToken(token)).user).not.toBeNull();
		const run = await admin(
			['reset-password', '--email', 'root@isp.example'],
			'recovered-password\n'
		);
		expect(run.code, run.out).toBe(0);
		expect(run.out).toMatch(/[1-9]\d* session\(s\) ended/);
		expect((await validateSessionToken(token)).user).toBeNull();
		expect((await login('root@isp.example', 'first-admin-password', { ip: '192.0.2.11' })).ok).toBe(
			false
		);
		expect((await login('root@isp.example', 'recovered-password', { ip: '192.0.2.12' })).ok).toBe(
			true
		);
	});

	it('finds a tenant manager by phone in any form it is typed', async () => {
		const tenant = await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Reset ISP', slug: 'reset-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		);
		const passwordHash = await hashPassword('forgotten-password');
		await withTenant(tenant.id, (tx) =>
			tx.insert(users).values({
				tenantId: tenant.id,
				role: 'tenant_admin',
				name: 'Locked Out',
				phone: '254711999001',
				passwordHash
			})
		);
		const run = await admin(
			['reset-password', '--phone', '0711 999 001'],
			'manager-new-password\n'
		);
		expect(run.code, run.out).toBe(0);
		expect((await login('0711999001', 'manager-new-password', { ip: '192.0.2.13' })).ok).toBe(true);
	});

	it('says so when no account has that login, and asks for exactly one of --email or --phone', async () => {
		const missing = await admin(
			['reset-password', '--email', 'nobody@isp.example'],
			'some-new-password\n'
		);
		expect(missing.code).toBe(1);
		expect(missing.out).toMatch(/No account has that email or phone/);
		const both = await admin(
			['reset-password', '--email', 'root@isp.example', '--phone', '0711999001'],
			'some-new-password\n'
		);
		expect(both.code).toBe(2);
	});
});

describe('npm run admin, as an operator runs it on the server', () => {
	// A child process on its own database: a Postgres copy, or an embedded one in a folder (one
	// process at a time has that open, so this process looks only once the child has exited).
	let other: TestDatabase | undefined;
	let dataDir: string | undefined;

	beforeAll(async () => {
		dataDir = mkdtempSync(join(tmpdir(), 'mtandao-admin-cli-'));
		if (db.ownerUrl) other = await openTestDatabase();
		else await makeTestDataDir(dataDir);
	}, 120_000);

	afterAll(async () => {
		await other?.close();
		setDatabase(db);
		rmSync(dataDir!, { recursive: true, force: true });
	});

	function spawnAdmin(
		args: string[],
		stdin: string
	): Promise<{ code: number | null; out: string }> {
		const env: NodeJS.ProcessEnv = { ...process.env };
		delete env.DATABASE_URL;
		delete env.TEST_DATABASE_URL;
		if (other) env.DATABASE_URL = other.ownerUrl;
		else env.DATA_DIR = dataDir;
		return new Promise((done) => {
			const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
				env,
				stdio: ['pipe', 'pipe', 'pipe']
			});
			let out = '';
			child.stdout.on('data', (d) => (out += d));
			child.stderr.on('data', (d) => (out += d));
			child.on('exit', (code) => done({ code, out }));
			child.stdin.end(stdin);
		});
	}

	it('reads the password from standard input, and the new admin can log in', async () => {
		const run = await spawnAdmin(
			['create-platform-admin', '--email', 'Ops@ISP.example', '--name', 'Ops'],
			'operator-password\n'
		);
		expect(run.code, run.out).toBe(0);
		expect(run.out).toMatch(/ops@isp\.example created/);
		expect(run.out).not.toContain('operator-password');
		let opened: Database | undefined;
		if (other) setDatabase(other);
		else setDatabase((opened = await openDatabase({ dataDir, migrationsDir: resolve('drizzle') })));
		try {
			expect(await platformAdmins('ops@isp.example')).toEqual([
				{ email: 'ops@isp.example', role: 'platform_admin' }
			]);
			const result = await login('ops@isp.example', 'operator-password', { ip: '192.0.2.14' });
			expect(result.ok && result.user.role).toBe('platform_admin');
		} finally {
			await opened?.close();
		}
	}, 120_000);
});
