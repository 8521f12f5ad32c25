/**
 * Test helper (imported by *.test.ts only): simulated routers on real TCP ports, and targets
 * pointing at them. Everything started here is closed after each test.
 */
import net, { type Socket } from 'node:net';
import { afterEach } from 'vitest';
import {
	SentenceReader,
	encodeSentence,
	startRouterSim,
	type RouterSim,
	type RouterSimOptions
} from '../../../../tools/sim/routeros';
import {
	closeAllRouterConnections,
	connectRouter,
	type RouterConnection,
	type RouterTarget
} from '../network/routeros/client';

export type { RouterSim };

export interface SimulatedRouter {
	readonly sim: RouterSim;
	/** Logs in as the simulator's admin unless told otherwise. */
	target(overrides?: Partial<RouterTarget>): RouterTarget;
	/** A fresh, uncached connection, closed after the test. */
	connect(overrides?: Partial<RouterTarget>): Promise<RouterConnection>;
}

export function useSimulatedRouters(): (options?: RouterSimOptions) => Promise<SimulatedRouter> {
	const sims: RouterSim[] = [];
	const connections: RouterConnection[] = [];
	let routerCount = 0;

	afterEach(async () => {
		await closeAllRouterConnections();
		await Promise.all(connections.splice(0).map((connection) => connection.close()));
		await Promise.all(sims.splice(0).map((sim) => sim.close()));
	});

	return async (options = {}) => {
		const sim = await startRouterSim(options);
		sims.push(sim);
		const id = `router-${++routerCount}`;
		const target = (overrides: Partial<RouterTarget> = {}): RouterTarget => ({
			id,
			host: sim.host,
			port: sim.port,
			tls: false,
			user: 'admin',
			password: '',
			timeoutMs: 2_000,
			...overrides
		});
		return {
			sim,
			target,
			async connect(overrides) {
				const connection = await connectRouter(target(overrides));
				connections.push(connection);
				return connection;
			}
		};
	};
}

/** Resolves true if the promise settled (either way) within `ms`. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise.then(
			() => true,
			() => true
		),
		new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
	]).finally(() => clearTimeout(timer));
}

/**
 * What a scripted router sends back for one command: sentences (tagged for you), or raw byte
 * chunks written a few milliseconds apart so each arrives as its own TCP read, or nothing.
 */
export type ScriptedReply = string[][] | { chunks: Buffer[] } | undefined;

export interface ScriptedRouter {
	readonly port: number;
	target(overrides?: Partial<RouterTarget>): RouterTarget;
	close(): Promise<void>;
}

/**
 * A bare TCP "router" for wire-level cases the simulator is too well-behaved to produce:
 * split packets, unknown reply words, echoed secrets. Any login succeeds.
 */
export async function startScriptedRouter(
	answer: (words: string[], tag: string) => ScriptedReply
): Promise<ScriptedRouter> {
	const sockets = new Set<Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.setNoDelay(true);
		socket.on('error', () => undefined);
		socket.on('close', () => sockets.delete(socket));
		const reader = new SentenceReader((words) => {
			const tag = words.find((word) => word.startsWith('.tag='))?.slice(5) ?? '';
			const reply: ScriptedReply = words[0] === '/login' ? [['!done']] : answer(words, tag);
			if (reply === undefined) return;
			if ('chunks' in reply) writeApart(socket, reply.chunks);
			else
				socket.write(
					Buffer.concat(reply.map((sentence) => encodeSentence([...sentence, `.tag=${tag}`])))
				);
		});
		socket.on('data', (chunk: Buffer) => reader.push(chunk));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	return {
		port,
		target: (overrides = {}) => ({
			id: 'scripted',
			host: '127.0.0.1',
			port,
			tls: false,
			user: 'admin',
			password: '',
			timeoutMs: 2_000,
			...overrides
		}),
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
}

function writeApart(socket: Socket, chunks: readonly Buffer[]): void {
	const [first, ...rest] = chunks;
	if (!first) return;
	socket.write(first);
	if (rest.length > 0) setTimeout(() => writeApart(socket, rest), 3);
}
