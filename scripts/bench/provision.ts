/**
 * Router provisioning throughput (DESIGN.md section 10):
 *
 *   sim_router_commands_per_s  the simulated router's raw command rate: a bare pipelined
 *                              client, 256 tagged `print ?name=` commands in flight (the ceiling)
 *   provision_users_per_s      new subscribers per second through ensureUsersPipelined on one
 *                              connection (node-routeros, patched), target >= 2,000
 *
 * The simulator runs in a child process, so router and client do not share one event loop
 * (on the 2-core bench machine each gets a core). Run directly for a table:
 *
 *   npx tsx scripts/bench/provision.ts [--users 5000] [--concurrency 128]
 */
import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SentenceReader, encodeSentence } from '../../tools/sim/routeros';
import { connectRouter, type RouterTarget } from '../../src/lib/server/network/routeros/client';
import {
	ensureProfile,
	ensureUsersPipelined,
	type UserSpec
} from '../../src/lib/server/network/routeros/operations';
import type { SimMessage, SimRequest } from './router-sim-process';

export interface ProvisioningBench {
	provision_users_per_s: number;
	sim_router_commands_per_s: number;
}

export interface ProvisioningBenchOptions {
	/** New subscribers in the timed batch. */
	users?: number;
	/** Users in flight at once in ensureUsersPipelined. */
	concurrency?: number;
	/** Commands for the raw rate. */
	rawCommands?: number;
}

export async function benchProvisioning(
	options: ProvisioningBenchOptions = {}
): Promise<ProvisioningBench> {
	const { users = 5_000, concurrency = 128, rawCommands = 50_000 } = options;
	const sim = await RouterProcess.start();
	try {
		const target: RouterTarget = {
			id: 'bench',
			host: sim.host,
			port: sim.port,
			tls: false,
			user: 'admin',
			password: '',
			timeoutMs: 30_000
		};

		await rawCommandRate(sim, 5_000); // warm-up
		const sim_router_commands_per_s = await rawCommandRate(sim, rawCommands);

		const api = await connectRouter(target);
		try {
			await ensureProfile(api, 'hotspot', {
				name: 'bench-daily',
				rateLimit: '2M/5M',
				sharedUsers: 1
			});
			await ensureUsersPipelined(api, 'hotspot', batch('warm', 500), { concurrency }); // warm-up
			const timed = batch('bench', users);
			const started = performance.now();
			const outcome = await ensureUsersPipelined(api, 'hotspot', timed, { concurrency });
			const seconds = (performance.now() - started) / 1000;
			if (outcome.added !== users || outcome.failed.length > 0) {
				throw new Error(
					`bench batch did not provision cleanly: ${JSON.stringify({ ...outcome, failed: outcome.failed.length })}`
				);
			}
			// default-trial + warm-up + timed: exactly one row per subscriber, none twice.
			const rows = await sim.request({ type: 'rows', id: 0, menu: '/ip/hotspot/user' });
			if (rows !== 1 + 500 + users)
				throw new Error(`router has ${rows} hotspot users, expected ${1 + 500 + users}`);
			return { provision_users_per_s: Math.round(users / seconds), sim_router_commands_per_s };
		} finally {
			await api.close();
		}
	} finally {
		await sim.close();
	}
}

function batch(prefix: string, count: number): UserSpec[] {
	return Array.from({ length: count }, (_, i) => ({
		name: `${prefix}-${i}`,
		password: `pw${(i * 7919) % 1_000_003}`,
		profile: 'bench-daily',
		disabled: false,
		comment: `sub ${i}`
	}));
}

/** Commands per second from a bare client keeping 256 tagged commands in flight. */
async function rawCommandRate(sim: RouterProcess, commands: number, window = 256): Promise<number> {
	const socket = net.connect(sim.port, sim.host);
	socket.setNoDelay(true);
	await new Promise<void>((resolve, reject) =>
		socket.once('connect', resolve).once('error', reject)
	);
	try {
		let sent = 0;
		let done = 0;
		let started = 0;
		const finished = new Promise<number>((resolve, reject) => {
			socket.once('error', reject);
			const reader = new SentenceReader((words) => {
				if (words[0] === '!trap' || words[0] === '!fatal') reject(new Error(words.join(' ')));
				if (words[0] !== '!done') return;
				if (started === 0) {
					// The login answered: start the clock and fill the window.
					started = performance.now();
					socket.write(
						Buffer.concat(Array.from({ length: Math.min(window, commands) }, () => command(sent++)))
					);
					return;
				}
				if (++done === commands) resolve((commands / (performance.now() - started)) * 1000);
				else if (sent < commands) socket.write(command(sent++));
			});
			socket.on('data', (chunk: Buffer) => reader.push(chunk));
		});
		socket.write(encodeSentence(['/login', '=name=admin', '=password=', '.tag=login']));
		return Math.round(await finished);
	} finally {
		socket.destroy();
	}
}

function command(tag: number): Buffer {
	return encodeSentence([
		'/ip/hotspot/user/print',
		'=.proplist=.id,name',
		'?name=default-trial',
		`.tag=${tag}`
	]);
}

/** The simulator's child process and a tiny request/response over IPC. */
class RouterProcess {
	#next = 1;
	readonly #waiting = new Map<number, (value: number) => void>();

	private constructor(
		readonly child: ChildProcess,
		readonly host: string,
		readonly port: number
	) {
		child.on('message', (message: SimMessage) => {
			if (message.type === 'result') this.#waiting.get(message.id)?.(message.value);
		});
	}

	static async start(): Promise<RouterProcess> {
		const child = fork(fileURLToPath(new URL('./router-sim-process.ts', import.meta.url)), [], {
			cwd: fileURLToPath(new URL('../..', import.meta.url)),
			execArgv: ['--import', 'tsx'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		const ready = await new Promise<SimMessage & { type: 'ready' }>((resolve, reject) => {
			child.once('error', reject);
			child.once('exit', (code) => reject(new Error(`router simulator exited with ${code}`)));
			child.on('message', (message: SimMessage) => {
				if (message.type === 'ready') resolve(message);
			});
		});
		child.removeAllListeners('exit');
		return new RouterProcess(child, ready.host, ready.port);
	}

	request(request: Exclude<SimRequest, { type: 'close' }>): Promise<number> {
		const id = this.#next++;
		return new Promise((resolve) => {
			this.#waiting.set(id, resolve);
			this.child.send({ ...request, id });
		});
	}

	async close(): Promise<void> {
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.send({ type: 'close' } satisfies SimRequest);
		await exited;
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const { values } = parseArgs({
		options: { users: { type: 'string' }, concurrency: { type: 'string' } }
	});
	const result = await benchProvisioning({
		users: values.users ? Number(values.users) : undefined,
		concurrency: values.concurrency ? Number(values.concurrency) : undefined
	});
	const rows: Array<[keyof ProvisioningBench, string]> = [
		['provision_users_per_s', '>= 2,000'],
		['sim_router_commands_per_s', '(the ceiling)']
	];
	console.log('| key | value | target |\n| --- | ---: | --- |');
	for (const [key, target] of rows)
		console.log(`| ${key} | ${result[key].toLocaleString('en')} | ${target} |`);
	console.log(JSON.stringify(result));
}
