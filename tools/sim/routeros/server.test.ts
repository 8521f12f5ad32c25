import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeLength, encodeSentence } from './protocol';
import { attributesOf, RawApiClient } from './raw-api-client';
import { startRouterSim, startRouterSims, type RouterSim, type RouterSimOptions } from './server';

const running: RouterSim[] = [];
const clients: RawApiClient[] = [];

async function sim(options: RouterSimOptions = {}): Promise<RouterSim> {
	const started = await startRouterSim(options);
	running.push(started);
	return started;
}

async function loggedIn(target: RouterSim, name = 'admin', password = ''): Promise<RawApiClient> {
	const client = await RawApiClient.login(target.port, name, password);
	clients.push(client);
	return client;
}

async function connected(target: RouterSim): Promise<RawApiClient> {
	const client = await RawApiClient.connect(target.port);
	clients.push(client);
	return client;
}

afterEach(async () => {
	await Promise.all(clients.splice(0).map((client) => client.close()));
	await Promise.all(running.splice(0).map((server) => server.close()));
});

describe('login', () => {
	it('accepts admin with an empty password by default', async () => {
		const client = await connected(await sim());
		expect(await client.run(['/login', '=name=admin', '=password='])).toEqual([['!done']]);
	});

	it('refuses wrong credentials and lets the client try again on the same connection', async () => {
		const client = await connected(await sim({ users: [{ name: 'api', password: 's3cret' }] }));
		expect(await client.run(['/login', '=name=api', '=password=guess', '.tag=1'])).toEqual([
			['!trap', '=message=invalid user name or password (6)', '.tag=1'],
			['!done', '.tag=1']
		]);
		expect(await client.run(['/login', '=name=api', '=password=s3cret'])).toEqual([['!done']]);
		expect((await client.run(['/system/identity/print']))[0]).toEqual(['!re', '=name=MikroTik']);
	});

	it('ends the session with !fatal when a command comes before login', async () => {
		const client = await connected(await sim());
		expect(await client.run(['/ip/hotspot/user/print'])).toEqual([['!fatal', 'not logged in']]);
		await client.closed;
	});

	it('rejects every login while the rejectLogin fault is on', async () => {
		const server = await sim();
		server.faults.rejectLogin = true;
		const client = await connected(server);
		expect((await client.run(['/login', '=name=admin', '=password=']))[0]?.[0]).toBe('!trap');
		server.faults.rejectLogin = false;
		expect(await client.run(['/login', '=name=admin', '=password='])).toEqual([['!done']]);
	});

	it('says goodbye with !fatal on /quit', async () => {
		const client = await loggedIn(await sim());
		expect(await client.run(['/quit'])).toEqual([['!fatal', 'session terminated on request']]);
		await client.closed;
	});
});

describe('wire format', () => {
	// The word sent and printed back is `=comment=<value>`, so its length is the value's plus 9.
	it.each([127, 128, 16383, 16384, 0x200000])(
		'round-trips a %i-byte word through the router',
		async (wordLength) => {
			const client = await loggedIn(await sim());
			const comment = 'c'.repeat(wordLength - '=comment='.length);
			await client.run(['/ip/hotspot/user/add', '=name=big', `=comment=${comment}`]);
			const [row] = await client.run(['/ip/hotspot/user/print', '?name=big', '=.proplist=comment']);
			expect(row?.[1]?.length).toBe(wordLength);
			expect(row).toEqual(['!re', `=comment=${comment}`]);
		}
	);

	it('ignores a zero-length word on its own (an empty sentence) and stays in step', async () => {
		const client = await loggedIn(await sim());
		await client.writeBytes(Buffer.from([0, 0]));
		expect((await client.run(['/system/identity/print']))[0]).toEqual(['!re', '=name=MikroTik']);
	});

	it('reads sentences that arrive one byte per TCP write', async () => {
		const client = await loggedIn(await sim());
		const bytes = Buffer.concat([
			encodeSentence([
				'/ip/hotspot/user/add',
				'=name=slow',
				`=comment=${'z'.repeat(200)}`,
				'.tag=a'
			]),
			encodeSentence(['/system/identity/print', '.tag=b'])
		]);
		for (const byte of bytes) {
			await client.writeBytes(Buffer.from([byte]));
			await new Promise((resolve) => setImmediate(resolve));
		}
		expect(await client.nextSentence()).toEqual(['!done', '=ret=*1', '.tag=a']);
		expect(await client.nextSentence()).toEqual(['!re', '=name=MikroTik', '.tag=b']);
	});

	it('closes the connection on a reserved control byte', async () => {
		const client = await loggedIn(await sim());
		// A word has begun (`/quit` without its terminator); the next length prefix is reserved.
		const word = Buffer.from('/quit');
		await client.writeBytes(Buffer.concat([encodeLength(word.length), word, Buffer.from([0xf8])]));
		await client.closed;
	});
});

describe('tags and concurrency', () => {
	it('tags every reply sentence with the command tag', async () => {
		const client = await loggedIn(await sim());
		client.send(['/ip/hotspot/user/print', '.tag=t1']);
		expect(await client.readUntilDone()).toEqual([
			[
				'!re',
				'=.id=*0',
				'=server=all',
				'=name=default-trial',
				'=password=',
				'=profile=default',
				'=uptime=0s',
				'=bytes-in=0',
				'=bytes-out=0',
				'=packets-in=0',
				'=packets-out=0',
				'=dynamic=false',
				'=disabled=false',
				'=comment=counters and limits for trial users',
				'.tag=t1'
			],
			['!done', '.tag=t1']
		]);
	});

	it('answers tagged commands out of order when replies are delayed', async () => {
		const server = await sim();
		const client = await loggedIn(server);
		const delays: Record<string, number> = { slow: 150, fast: 0, medium: 60 };
		server.faults.replyDelayMs = (command) => delays[command.tag ?? ''] ?? 0;
		for (const tag of ['slow', 'fast', 'medium'])
			client.send(['/system/identity/print', `.tag=${tag}`]);
		const order: string[] = [];
		while (order.length < 3) {
			const sentence = await client.nextSentence();
			if (sentence[0] === '!done') order.push(sentence.at(-1)?.slice(5) ?? '');
		}
		expect(order).toEqual(['fast', 'medium', 'slow']);
	});

	it('answers thousands of pipelined tagged commands', async () => {
		const server = await sim();
		const client = await loggedIn(server);
		const count = 3000;
		for (let i = 0; i < count; i++) {
			client.send(['/ip/hotspot/user/add', `=name=user${i}`, '=password=x', `.tag=${i}`]);
		}
		const ids = new Map<string, string>();
		while (ids.size < count) {
			const sentence = await client.nextSentence();
			const { ret } = attributesOf(sentence);
			ids.set(sentence.at(-1) ?? '', ret ?? '');
		}
		expect(new Set(ids.values()).size).toBe(count);
		expect(ids.get(`.tag=${count - 1}`)).toBe(`*${count.toString(16).toUpperCase()}`);
		expect(server.router.commandCount('/ip/hotspot/user/add')).toBe(count);
	});
});

describe('RouterOS errors over the wire', () => {
	it('traps a duplicate hotspot user, then carries on', async () => {
		const client = await loggedIn(await sim());
		await client.run(['/ip/hotspot/user/add', '=name=alice']);
		expect(await client.run(['/ip/hotspot/user/add', '=name=alice', '.tag=9'])).toEqual([
			['!trap', '=message=failure: already have user with this name for this server', '.tag=9'],
			['!done', '.tag=9']
		]);
		expect((await client.run(['/system/identity/print']))[0]?.[0]).toBe('!re');
	});

	it('traps an unknown command with category 0', async () => {
		const client = await loggedIn(await sim());
		expect(await client.run(['/ip/hotspot/user/frobnicate'])).toEqual([
			['!trap', '=message=no such command', '=category=0'],
			['!done']
		]);
	});

	it('filters with ?#| queries and trims with =.proplist=', async () => {
		const client = await loggedIn(await sim());
		for (const name of ['a', 'b', 'c']) await client.run(['/ppp/secret/add', `=name=${name}`]);
		expect(
			await client.run(['/ppp/secret/print', '?name=a', '?name=c', '?#|', '=.proplist=.id,name'])
		).toEqual([['!re', '=.id=*1', '=name=a'], ['!re', '=.id=*3', '=name=c'], ['!done']]);
	});
});

describe('RouterOS 7.18 empty replies', () => {
	it('answers a print that finds nothing with !empty then !done', async () => {
		const server = await sim({ emptyReplies: true });
		const client = await loggedIn(server);
		expect(await client.run(['/ppp/active/print', '.tag=e'])).toEqual([
			['!empty', '.tag=e'],
			['!done', '.tag=e']
		]);
		expect(server.router.version).toMatch(/^7\.18/);
		server.faults.emptyReplies = false;
		expect(await client.run(['/ppp/active/print'])).toEqual([['!done']]);
	});
});

describe('faults', () => {
	it('resets connections while refusing them', async () => {
		const server = await sim();
		server.faults.refuseConnections = true;
		const client = await connected(server);
		await client.closed;
		server.faults.refuseConnections = false;
		await loggedIn(server);
	});

	it('stops listening so that connects are refused, then listens again on the same port', async () => {
		const server = await sim();
		const port = server.port;
		await server.stopListening();
		await expect(RawApiClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
		await server.resumeListening();
		expect(server.port).toBe(port);
		await loggedIn(server);
	});

	it('drops the connection on the Nth command without answering it', async () => {
		const server = await sim();
		const client = await loggedIn(server);
		server.faults.dropAfterCommands = 2;
		expect((await client.run(['/system/identity/print']))[0]?.[0]).toBe('!re');
		client.send(['/ip/hotspot/user/add', '=name=lost']);
		await client.closed;
		expect(server.router.row('/ip/hotspot/user', 'lost')).toBeUndefined();
		expect(server.faults.dropAfterCommands).toBeNull();
		expect(server.faults.dropped).toEqual(['/ip/hotspot/user/add']);
	});

	it('can apply a command and lose its reply, the worst case for retries', async () => {
		const server = await sim();
		const client = await loggedIn(server);
		server.faults.dropOnCommand = '/ip/hotspot/user/add';
		server.faults.executeBeforeDrop = true;
		client.send(['/ip/hotspot/user/add', '=name=applied']);
		await client.closed;
		expect(server.router.row('/ip/hotspot/user', 'applied')).toBeDefined();
		// One-shot: a retry on a new connection gets RouterOS's duplicate refusal.
		const retry = await loggedIn(server);
		expect((await retry.run(['/ip/hotspot/user/add', '=name=applied']))[0]?.[0]).toBe('!trap');
	});

	it('reads but never answers while unresponsive', async () => {
		const server = await sim();
		const client = await loggedIn(server);
		server.faults.unresponsive = true;
		client.send(['/system/identity/print']);
		await expect(client.nextSentence(200)).rejects.toThrow(/no sentence/);
	});

	it('cuts every connection on disconnectAll, like a reboot', async () => {
		const server = await sim();
		const first = await loggedIn(server);
		const second = await loggedIn(server);
		expect(server.connectionCount).toBe(2);
		server.disconnectAll();
		await Promise.all([first.closed, second.closed]);
	});
});

describe('several routers', () => {
	it('runs one router per port', async () => {
		const [kibera, kisumu] = await startRouterSims([
			{ identity: 'Kibera' },
			{ identity: 'Kisumu' }
		]);
		running.push(kibera as RouterSim, kisumu as RouterSim);
		const a = await loggedIn(kibera as RouterSim);
		const b = await loggedIn(kisumu as RouterSim);
		expect((await a.run(['/system/identity/print']))[0]).toEqual(['!re', '=name=Kibera']);
		expect((await b.run(['/system/identity/print']))[0]).toEqual(['!re', '=name=Kisumu']);
	});

	it('picks the router by login name on a shared port', async () => {
		const server = await sim({
			routersByUser: {
				alice: { password: 'a', identity: 'Alice-ISP' },
				bob: { password: 'b', identity: 'Bob-ISP' }
			}
		});
		const alice = await loggedIn(server, 'alice', 'a');
		const bob = await loggedIn(server, 'bob', 'b');
		await alice.run(['/ip/hotspot/user/add', '=name=customer']);
		expect((await bob.run(['/system/identity/print']))[0]).toEqual(['!re', '=name=Bob-ISP']);
		expect(server.routers.alice?.row('/ip/hotspot/user', 'customer')).toBeDefined();
		expect(server.routers.bob?.row('/ip/hotspot/user', 'customer')).toBeUndefined();
		expect(server.router).toBe(server.routers.alice);
		const stranger = await connected(server);
		expect((await stranger.run(['/login', '=name=alice', '=password=b']))[0]?.[0]).toBe('!trap');
	});

	it('lets an API user created by onboarding log in to its own router', async () => {
		const server = await sim({
			routersByUser: { alice: { password: 'a' }, bob: { password: 'b' } }
		});
		const bob = await loggedIn(server, 'bob', 'b');
		await bob.run(['/user/add', '=name=mtandao-bob', '=group=full', '=password=k']);
		const app = await loggedIn(server, 'mtandao-bob', 'k');
		await app.run(['/ppp/secret/add', '=name=s1']);
		expect(server.routers.bob?.row('/ppp/secret', 's1')).toBeDefined();
	});
});

describe('connection bookkeeping', () => {
	it('resets routers and faults between tests without dropping connections', async () => {
		const server = await sim({ emptyReplies: true });
		const client = await loggedIn(server);
		await client.run(['/ip/hotspot/user/add', '=name=left-over']);
		server.faults.replyDelayMs = 1000;
		server.reset();
		expect(server.router.row('/ip/hotspot/user', 'left-over')).toBeUndefined();
		expect(server.faults.replyDelayMs).toBe(0);
		expect(server.faults.emptyReplies).toBe(true);
		expect((await client.run(['/system/identity/print']))[0]).toEqual(['!re', '=name=MikroTik']);
	});

	it('closes cleanly with clients still connected', async () => {
		const server = await startRouterSim();
		const client = await RawApiClient.login(server.port);
		await server.close();
		await client.closed;
		await expect(
			new Promise((resolve, reject) =>
				net.connect(server.port, '127.0.0.1').on('connect', resolve).on('error', reject)
			)
		).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	});
});
