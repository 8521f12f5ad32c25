import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { modeOf, startRefusal } from './config';

const PG = 'postgres://postgres@127.0.0.1:5432/nowhere';

describe('the mode a start runs in', () => {
	it('is demo on the embedded database and production on any DATABASE_URL', () => {
		expect(modeOf({})).toBe('demo');
		expect(modeOf({ DATABASE_URL: PG })).toBe('production');
		expect(modeOf({ DATABASE_URL: PG, SEED_DEMO: 'auto' })).toBe('production');
		expect(modeOf({ DATABASE_URL: PG, SEED_DEMO: 'no' })).toBe('production');
	});

	it('is production when MTANDAO_MODE says so, even on the embedded database', () => {
		expect(modeOf({ MTANDAO_MODE: 'production' })).toBe('production');
	});

	it('is demo on Postgres only with SEED_DEMO=yes (CI and e2e runs)', () => {
		expect(modeOf({ DATABASE_URL: PG, SEED_DEMO: 'yes' })).toBe('demo');
	});
});

describe('what a production start refuses', () => {
	it('refuses production without PUBLIC_URL, and says PUBLIC_URL is required', () => {
		expect(startRefusal({ DATABASE_URL: PG })).toMatch(/PUBLIC_URL is required/);
		expect(startRefusal({ MTANDAO_MODE: 'production' })).toMatch(/PUBLIC_URL is required/);
	});

	it('refuses a PUBLIC_URL that is not https', () => {
		expect(startRefusal({ DATABASE_URL: PG, PUBLIC_URL: 'http://billing.example.co.ke' })).toMatch(
			/https/
		);
		expect(startRefusal({ DATABASE_URL: PG, PUBLIC_URL: 'not a url' })).toMatch(/not a valid URL/);
	});

	it('refuses MTANDAO_MODE=production with SEED_DEMO=yes', () => {
		expect(
			startRefusal({
				MTANDAO_MODE: 'production',
				SEED_DEMO: 'yes',
				PUBLIC_URL: 'https://billing.example.co.ke'
			})
		).toMatch(/SEED_DEMO=yes/);
	});

	it('lets production start with an https PUBLIC_URL, and the demo start with nothing', () => {
		expect(
			startRefusal({ DATABASE_URL: PG, PUBLIC_URL: 'https://billing.example.co.ke' })
		).toBeNull();
		expect(startRefusal({})).toBeNull();
		expect(startRefusal({ DATABASE_URL: PG, SEED_DEMO: 'yes' })).toBeNull();
	});
});

/** `npm start` as an operator runs it; it must refuse before building or opening anything. */
function npmStart(
	env: Record<string, string>
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const clean: NodeJS.ProcessEnv = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		PORT: '4399',
		...env
	};
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['scripts/start.js'], {
			env: clean,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		// The old start did not refuse: it went on to build and serve. Stop it and report that.
		const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

describe('npm start in production', () => {
	it('exits non-zero with one line saying PUBLIC_URL is required when only DATABASE_URL is set', async () => {
		const run = await npmStart({ DATABASE_URL: PG });
		expect(run.code).toBe(1);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.stderr).toMatch(/PUBLIC_URL is required/);
		expect(run.stderr).not.toMatch(/\n\s+at /);
	});

	it('exits non-zero when MTANDAO_MODE=production is asked to seed the demo', async () => {
		const run = await npmStart({
			MTANDAO_MODE: 'production',
			SEED_DEMO: 'yes',
			PUBLIC_URL: 'https://billing.example.co.ke'
		});
		expect(run.code).toBe(1);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.stderr).toMatch(/SEED_DEMO=yes/);
	});
});
