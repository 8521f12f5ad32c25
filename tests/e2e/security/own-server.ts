/**
 * A second `npm start` beside the one Playwright runs, for settings the shared server cannot have
 * (proxy headers without ORIGIN, an M-Pesa source allowlist): its own ports, its own embedded
 * database and its own simulators.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OwnServer {
	url: string;
	port: number;
	mpesaPort: number;
	output: () => string;
	stop: () => Promise<void>;
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

const INHERITED_SETTINGS = [
	'DATABASE_URL',
	'ORIGIN',
	'PUBLIC_URL',
	'MTANDAO_MODE',
	'SEED_DEMO',
	'MPESA_ALLOWED_IPS',
	'PROTOCOL_HEADER',
	'HOST_HEADER',
	'ADDRESS_HEADER',
	'XFF_DEPTH'
];

export async function startOwnServer(env: Record<string, string>): Promise<OwnServer> {
	const [port, routerPort, mpesaPort] = [await freePort(), await freePort(), await freePort()];
	const dataDir = mkdtempSync(join(tmpdir(), 'mtandao-e2e-own-'));
	const base: Record<string, string | undefined> = { ...process.env };
	for (const name of INHERITED_SETTINGS) delete base[name];
	let output = '';
	const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
		cwd: process.cwd(),
		env: {
			...base,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			DEMO_ROUTER_PORT: String(routerPort),
			DEMO_MPESA_PORT: String(mpesaPort),
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (child.exitCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
		}
		rmSync(dataDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) break;
		const ready = await fetch(`${url}/healthz`).then(
			(r) => r.ok,
			() => false
		);
		if (ready && output.includes('Simulated M-Pesa'))
			return { url, port, mpesaPort, output: () => output, stop };
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	await stop();
	throw new Error(`The second server did not start:\n${output}`);
}
