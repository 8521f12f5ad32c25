/**
 * The production build served by `npm start` in production mode on an existing database (the
 * seed:large one): no demo seeding, no simulators, no background worker (so only the requests
 * being measured use the machine), and a client that logs in over HTTP as a browser does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { port } from './demo';

export interface ProductionServer {
	url: string;
	/** The server's process (scripts/start.js imports the build into itself). */
	pid: number;
	/** Seconds from spawn to the first healthy answer; `built` when a build ran first. */
	startSeconds: number;
	built: boolean;
	stop(): Promise<void>;
}

export async function startProductionServer(databaseUrl: string): Promise<ProductionServer> {
	const appPort = await port('E2E_PORT');
	const url = `http://127.0.0.1:${appPort}`;
	const env: Record<string, string | undefined> = { ...process.env };
	for (const key of ['SEED_DEMO', 'DATA_DIR', 'APP_DATABASE_URL']) delete env[key];
	const started = performance.now();
	let output = '';
	const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
		env: {
			...env,
			DATABASE_URL: databaseUrl,
			MTANDAO_MODE: 'production',
			NODE_ENV: 'production',
			// Production requires an https address for outside parties; nothing outside is called here.
			PUBLIC_URL: 'https://bench-large.invalid',
			ORIGIN: url,
			PORT: String(appPort),
			HOST: '127.0.0.1',
			PROVISIONING_WORKER: 'off'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	const stop = async () => {
		if (child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
		if (child.exitCode === null) child.kill('SIGKILL');
	};
	// Long enough for a build on this 2-core machine, and for the production start's check that no
	// account accepts the demo password (argon2 once per staff account).
	const deadline = Date.now() + 900_000;
	while (Date.now() < deadline && child.exitCode === null) {
		const ready = await fetch(`${url}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ready)
			return {
				url,
				pid: child.pid!,
				startSeconds: (performance.now() - started) / 1000,
				built: output.includes('Building Mtandao'),
				stop
			};
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await stop();
	throw new Error(`The production server did not start:\n${output}`);
}

/** A logged-in staff member: the session cookie a browser would keep, sent with each request. */
export interface Session {
	get(path: string): Promise<Response>;
}

export async function logIn(url: string, login: string, password: string): Promise<Session> {
	const answer = await fetch(`${url}/login`, {
		method: 'POST',
		body: new URLSearchParams({ login, password }),
		headers: {
			origin: url,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		redirect: 'manual'
	});
	if (answer.status !== 303) throw new Error(`${login} could not log in (HTTP ${answer.status})`);
	const cookie = answer.headers
		.getSetCookie()
		.map((c) => c.split(';')[0]!)
		.filter((c) => !c.endsWith('='))
		.join('; ');
	return { get: (path) => fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' }) };
}

/** Resident memory of a process now, in MB (Linux). */
export async function residentMb(pid: number): Promise<number> {
	const { readFile } = await import('node:fs/promises');
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
	return kb / 1024;
}
