/**
 * Issue 11 §4: a hostile "router" (any address a tenant manager types in) cannot stall or
 * exhaust the server. Each test drives the real client against a bare TCP server that lies.
 */
import net, { type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
	SentenceReader as SimSentenceReader,
	encodeSentence
} from '../../../../../tools/sim/routeros';
import {
	RouterReplyTooLarge,
	RouterReplyTooSlow,
	connectRouter,
	type RouterConnection,
	type RouterTarget
} from './client';
import { ReplyLimitExceeded, SentenceReader } from './reply-reader';

interface HostileRouter {
	target(overrides?: Partial<RouterTarget>): RouterTarget;
	/** Resolves when the server side of the last connection has closed. */
	lastClosed(): Promise<void>;
	close(): Promise<void>;
}

const servers: HostileRouter[] = [];
const connections: RouterConnection[] = [];

afterEach(async () => {
	await Promise.all(connections.splice(0).map((connection) => connection.close()));
	await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Answers the login (unless told otherwise) and hands every other command to `misbehave`. */
async function hostileRouter(
	misbehave: (socket: Socket, words: string[]) => void,
	answerLogin = true
): Promise<HostileRouter> {
	const sockets = new Set<Socket>();
	let last: Promise<void> = Promise.resolve();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		last = new Promise((resolve) => socket.on('close', () => resolve()));
		socket.on('error', () => undefined);
		socket.on('close', () => sockets.delete(socket));
		const reader = new SimSentenceReader((words) => {
			const tag = words.find((word) => word.startsWith('.tag='))?.slice(5) ?? '';
			if (words[0] === '/login' && answerLogin)
				socket.write(encodeSentence(['!done', `.tag=${tag}`]));
			else misbehave(socket, words);
		});
		socket.on('data', (chunk: Buffer) => reader.push(chunk));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	const router: HostileRouter = {
		target: (overrides = {}) => ({
			id: 'hostile',
			host: '127.0.0.1',
			port,
			tls: false,
			user: 'admin',
			password: '',
			timeoutMs: 5_000,
			...overrides
		}),
		lastClosed: () => last,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	};
	servers.push(router);
	return router;
}

/**
 * Streams `chunk` as fast as the socket takes it until the client goes away or `ms` pass, a
 * little per turn of the event loop (this server shares the loop whose lag is measured).
 */
function flood(socket: Socket, chunk: Buffer, ms: number): void {
	const until = Date.now() + ms;
	const pump = () => {
		if (socket.destroyed) return;
		if (Date.now() >= until) return void socket.destroy();
		for (let sent = 0; sent < 256 * 1024; sent += chunk.length) {
			if (!socket.write(chunk)) return void socket.once('drain', pump);
		}
		setImmediate(pump);
	};
	pump();
}

/** Trickles `bytes` one at a time, `everyMs` apart, until the client goes away. */
function trickle(socket: Socket, bytes: Buffer, everyMs: number): void {
	let at = 0;
	const timer = setInterval(() => {
		if (socket.destroyed || at >= bytes.length) return clearInterval(timer);
		socket.write(bytes.subarray(at, ++at));
	}, everyMs);
	socket.on('close', () => clearInterval(timer));
}

/**
 * The worst delay of a 10 ms interval while `work` runs: how long the event loop was blocked.
 * A blocking read of these replies stalls for seconds; under MAX_LAG_MS is what a busy CI machine
 * (two test files at a time on two cores) adds by scheduling alone.
 */
const MAX_LAG_MS = 250;

async function maxEventLoopLag<T>(
	work: () => Promise<T>
): Promise<{ lagMs: number; result: PromiseSettledResult<T>; ms: number }> {
	let lagMs = 0;
	let expected = performance.now() + 10;
	const timer = setInterval(() => {
		const now = performance.now();
		lagMs = Math.max(lagMs, now - expected);
		expected = now + 10;
	}, 10);
	const started = performance.now();
	const [result] = await Promise.allSettled([work()]);
	const ms = performance.now() - started;
	clearInterval(timer);
	return { lagMs, result: result as PromiseSettledResult<T>, ms };
}

const reason = (result: PromiseSettledResult<unknown>) =>
	result.status === 'rejected' ? result.reason : undefined;

describe('a router that declares a huge word', () => {
	it('is cut with RouterReplyTooLarge at once, and streaming 4 GiB does not block the event loop', async () => {
		const router = await hostileRouter((socket) => {
			// `!re`, then a word declaring 0xFFFFFFFF bytes (4 GiB), then as much as the client takes.
			socket.write(
				Buffer.concat([
					encodeSentence(['!re']).subarray(0, 4),
					Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff])
				])
			);
			flood(socket, Buffer.alloc(64 * 1024, 0x61), 4_000);
		});
		const connection = await connectRouter(router.target());
		connections.push(connection);
		const { lagMs, result, ms } = await maxEventLoopLag(() =>
			connection.write('/system/identity/print')
		);
		expect(reason(result)).toBeInstanceOf(RouterReplyTooLarge);
		expect(reason(result)).toMatchObject({ limit: 'word', reason: 'dropped' });
		expect(ms).toBeLessThan(1_000);
		expect(lagMs).toBeLessThan(MAX_LAG_MS);
		await router.lastClosed();
	});

	it('reads a word just under the limit streamed in small pieces, without blocking', async () => {
		const big = 'x'.repeat(900 * 1024);
		const router = await hostileRouter((socket, words) => {
			const tag = words.find((word) => word.startsWith('.tag=')) ?? '';
			const bytes = Buffer.concat([
				encodeSentence(['!re', `=v=${big}`, tag]),
				encodeSentence(['!done', tag])
			]);
			let at = 0;
			const next = () => {
				if (socket.destroyed || at >= bytes.length) return;
				socket.write(bytes.subarray(at, (at += 1024)), next);
			};
			next();
		});
		const connection = await connectRouter(router.target());
		connections.push(connection);
		const { lagMs, result } = await maxEventLoopLag(() =>
			connection.write('/system/identity/print')
		);
		expect(result.status).toBe('fulfilled');
		expect(result.status === 'fulfilled' && result.value[0]?.v?.length).toBe(big.length);
		expect(lagMs).toBeLessThan(MAX_LAG_MS);
	});
});

describe('a router that sends too much in words or sentences', () => {
	it('cuts a sentence of more words than the limit', () => {
		const reader = new SentenceReader({ maxSentenceWords: 10_000 });
		const words = Array.from({ length: 10_001 }, (_, i) => `=a${i}=1`);
		expect(() => reader.push(encodeSentence(['!re', ...words]))).toThrow(ReplyLimitExceeded);
	});

	it('cuts a reply (one command) over the configured total', async () => {
		const router = await hostileRouter((socket, words) => {
			const tag = words.find((word) => word.startsWith('.tag=')) ?? '';
			const item = encodeSentence(['!re', `=name=${'n'.repeat(1000)}`, tag]);
			flood(socket, item, 4_000);
		});
		const connection = await connectRouter(
			router.target({ replyLimits: { maxReplyBytes: 256 * 1024 } })
		);
		connections.push(connection);
		const { result, ms } = await maxEventLoopLag(() => connection.write('/ip/hotspot/user/print'));
		expect(reason(result)).toMatchObject({ name: 'RouterReplyTooLarge', limit: 'reply' });
		expect(ms).toBeLessThan(1_000);
	});
});

describe('a router that trickles', () => {
	it('is cut with RouterReplyTooSlow when a reply takes longer than the sentence deadline', async () => {
		const router = await hostileRouter((socket, words) => {
			const tag = words.find((word) => word.startsWith('.tag=')) ?? '';
			// A byte every 20 ms: the socket's idle timeout never fires.
			trickle(socket, encodeSentence(['!re', `=name=${'n'.repeat(5_000)}`, tag]), 20);
		});
		// The command itself may take 20 s (a long print): the trickle must not hold it that long.
		const connection = await connectRouter(
			router.target({ timeoutMs: 20_000, replyLimits: { sentenceTimeoutMs: 500 } })
		);
		connections.push(connection);
		const { result, ms } = await maxEventLoopLag(() => connection.write('/ip/hotspot/user/print'));
		expect(reason(result)).toBeInstanceOf(RouterReplyTooSlow);
		expect(ms).toBeLessThan(1_500);
		await router.lastClosed();
	});

	it('is cut, socket and all, when it trickles the login answer', async () => {
		const router = await hostileRouter((socket, words) => {
			const tag = words.find((word) => word.startsWith('.tag=')) ?? '';
			trickle(socket, encodeSentence(['!done', `=ret=${'r'.repeat(5_000)}`, tag]), 20);
		}, false);
		const started = performance.now();
		await expect(connectRouter(router.target({ timeoutMs: 1_000 }))).rejects.toMatchObject({
			reason: 'timeout'
		});
		expect(performance.now() - started).toBeLessThan(2_000);
		// The socket is destroyed, not left open for the router to keep feeding.
		let timer: NodeJS.Timeout | undefined;
		const closed = await Promise.race([
			router.lastClosed().then(() => true),
			new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1_000)))
		]);
		clearTimeout(timer);
		expect(closed).toBe(true);
	});
});
