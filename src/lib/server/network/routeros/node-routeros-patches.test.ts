/**
 * The runtime fixes to node-routeros, driven through the real client over TCP: a scripted
 * router for wire-level misbehaviour, the simulator for RouterOS 7.18's `!empty`.
 */
import { RouterOSAPI } from 'node-routeros';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSentence } from '../../../../../tools/sim/routeros';
import {
	RouterCommandFailed,
	RouterUnreachable,
	connectRouter,
	type RouterConnection
} from './client';
import { readSentence } from './node-routeros-patches';
import {
	settlesWithin,
	startScriptedRouter,
	useSimulatedRouters,
	type ScriptedReply,
	type ScriptedRouter
} from '../../testing/routers';

const simulatedRouter = useSimulatedRouters();
const scripted: ScriptedRouter[] = [];
const connections: RouterConnection[] = [];

afterEach(async () => {
	await Promise.all(connections.splice(0).map((connection) => connection.close()));
	await Promise.all(scripted.splice(0).map((router) => router.close()));
});

async function scriptedConnection(
	answer: (words: string[], tag: string) => ScriptedReply
): Promise<RouterConnection> {
	const router = await startScriptedRouter(answer);
	scripted.push(router);
	const connection = await connectRouter(router.target());
	connections.push(connection);
	return connection;
}

const tagged = (tag: string, ...sentences: string[][]) =>
	Buffer.concat(sentences.map((sentence) => encodeSentence([...sentence, `.tag=${tag}`])));

describe('reply framing', () => {
	it('delivers a reply however TCP splits it: inside a length, a word, or before the terminator', async () => {
		// 200 bytes need a two-byte length; é is one Windows-1252 byte (0xE9) on the wire.
		const long = `caf\u00e9-${'x'.repeat(200)}`;
		let fromEnd = 0;
		let replyLength = Infinity;
		const router = await startScriptedRouter((_words, tag) => {
			const bytes = tagged(tag, ['!re', `=name=${long}`, '=.id=*1'], ['!done']);
			replyLength = bytes.length;
			const at = bytes.length - ++fromEnd;
			return { chunks: [bytes.subarray(0, at), bytes.subarray(at)] };
		});
		scripted.push(router);
		// A long timeout: node-routeros' keep-alive (every timeout/2) must not rescue a stuck reply.
		const connection = await connectRouter(router.target({ timeoutMs: 20_000 }));
		connections.push(connection);
		let slowest = 0;
		while (fromEnd < replyLength - 1) {
			const started = performance.now();
			expect(await connection.write('/system/identity/print')).toEqual([
				{ name: long, '.id': '*1' }
			]);
			slowest = Math.max(slowest, performance.now() - started);
		}
		expect(slowest).toBeLessThan(500);
	});

	it('delivers replies that arrive many to one read, in any order', async () => {
		const pending: Array<{ tag: string; n: string }> = [];
		const connection = await scriptedConnection((words, tag) => {
			pending.push({ tag, n: words.find((word) => word.startsWith('=n='))?.slice(3) ?? '' });
			if (pending.length < 50) return undefined;
			const burst = pending.splice(0).reverse();
			return {
				chunks: [
					Buffer.concat(burst.map(({ tag: t, n }) => tagged(t, ['!re', `=n=${n}`], ['!done'])))
				]
			};
		});
		const replies = await Promise.all(
			Array.from({ length: 50 }, (_, i) => connection.write('/echo', [`=n=${i}`]))
		);
		expect(replies.map(([row]) => row?.n)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
	});

	it('ignores sentences nobody waits for instead of crashing', async () => {
		const connection = await scriptedConnection((_words, tag) => ({
			chunks: [
				Buffer.concat([
					encodeSentence(['!re', '=stray=untagged']),
					encodeSentence(['!done', '.tag=nobody-sent-this']),
					tagged(tag, ['!done'])
				])
			]
		}));
		expect(await connection.write('/system/identity/print')).toEqual([]);
		expect(connection.isOpen).toBe(true);
	});

	it('fails the connection, not the process, on a reserved control byte', async () => {
		const connection = await scriptedConnection(() => ({ chunks: [Buffer.from([0xf8, 1, 2, 3])] }));
		await expect(connection.write('/system/identity/print')).rejects.toBeInstanceOf(
			RouterUnreachable
		);
	});

	it('parses the five length forms', () => {
		for (const size of [0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000]) {
			const bytes = encodeSentence(['!re', `=v=${'a'.repeat(size)}`]);
			expect(readSentence(bytes, 0)?.words[1]?.length).toBe(size + 3);
			expect(readSentence(bytes.subarray(0, bytes.length - 1), 0)).toBeUndefined();
		}
	});
});

describe('replies node-routeros does not know', () => {
	it('treats !empty as an empty result on the simulator in RouterOS 7.18 mode', async () => {
		const router = await simulatedRouter({ emptyReplies: true });
		// The bare client, to show the fix is in node-routeros itself, not only in our wrapper.
		const api = new RouterOSAPI({
			host: router.sim.host,
			port: router.sim.port,
			user: 'admin',
			password: '',
			timeout: 2
		});
		api.on('error', () => undefined);
		await api.connect();
		try {
			const nothing = api.write('/ip/hotspot/user/print', ['?name=nobody']);
			expect(await settlesWithin(nothing, 1_000)).toBe(true);
			expect(await nothing).toEqual([]);
			expect(
				await api.write('/ip/hotspot/user/print', ['=.proplist=name', '?name=default-trial'])
			).toEqual([{ name: 'default-trial' }]);
		} finally {
			await api.close();
		}
	});

	it('rejects a command answered with an unknown reply word instead of throwing from the socket', async () => {
		const connection = await scriptedConnection(() => [['!weird', '=x=1'], ['!done']]);
		await expect(connection.write('/system/identity/print')).rejects.toBeInstanceOf(
			RouterCommandFailed
		);
	});

	it('survives a router that closes with !fatal', async () => {
		const connection = await scriptedConnection(() => ({
			chunks: [encodeSentence(['!fatal', 'session terminated on request'])]
		}));
		await expect(connection.write('/quit')).rejects.toMatchObject({
			name: 'RouterUnreachable',
			reason: 'dropped'
		});
	});
});

describe('latency', () => {
	it('answers sequential commands in well under the 40 ms of a delayed ACK', async () => {
		const router = await simulatedRouter();
		const connection = await router.connect();
		await connection.write('/system/identity/print');
		const started = performance.now();
		for (let i = 0; i < 50; i++) await connection.write('/system/identity/print');
		expect((performance.now() - started) / 50).toBeLessThan(10);
	});
});

describe('api-ssl against a plain API port', () => {
	it('fails with RouterUnreachable rather than an unhandled socket error', async () => {
		const router = await simulatedRouter();
		await expect(
			connectRouter(router.target({ tls: true, timeoutMs: 500 }))
		).rejects.toBeInstanceOf(RouterUnreachable);
	});
});
