/**
 * The simulator against the client the app actually uses, node-routeros 1.6.9, over TCP.
 *
 * Quirks of that client that these tests work around (see PROTOCOLS.md, part B):
 * - after connect(), socket errors are emitted as 'error' on the RouterOSAPI object; with no
 *   listener Node kills the process, so every client here gets one;
 * - it does not know RouterOS 7.18's `!empty` reply: the write() promise never settles and the
 *   channel throws UNKNOWNREPLY from a socket handler. That is not driven through the client
 *   here (it would crash the run); server.test.ts shows the raw `!empty` + `!done` sentences,
 *   and the app team patches the client separately;
 * - a command whose connection drops never settles either: only the api object hears about it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterOSAPI } from 'node-routeros';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouterSim, type RouterSim, type RouterSimOptions } from './server';

const sims: RouterSim[] = [];
const apis: RouterOSAPI[] = [];

async function sim(options: RouterSimOptions = {}): Promise<RouterSim> {
	const started = await startRouterSim(options);
	sims.push(started);
	return started;
}

function client(target: RouterSim, user = 'admin', password = '', extra: object = {}): RouterOSAPI {
	const api = new RouterOSAPI({
		host: target.host,
		port: target.port,
		user,
		password,
		timeout: 5,
		...extra
	});
	api.on('error', () => undefined);
	apis.push(api);
	return api;
}

async function connected(target: RouterSim): Promise<RouterOSAPI> {
	const api = client(target);
	await api.connect();
	return api;
}

const settledWithin = (promise: Promise<unknown>, ms: number) =>
	Promise.race([
		promise.then(
			() => true,
			() => true
		),
		new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))
	]);

afterEach(async () => {
	await Promise.all(apis.splice(0).map((api) => api.close().catch(() => undefined)));
	await Promise.all(sims.splice(0).map((s) => s.close()));
});

describe('node-routeros against the simulator', () => {
	it('connects and reads the identity and version', async () => {
		const api = await connected(await sim({ identity: 'Kibera-HQ' }));
		expect(await api.write('/system/identity/print')).toEqual([{ name: 'Kibera-HQ' }]);
		const [resource] = await api.write('/system/resource/print');
		expect(resource).toMatchObject({ version: '7.16.2 (stable)', 'board-name': 'hAP ac^2' });
	});

	it('adds, prints, sets and removes a hotspot user', async () => {
		const target = await sim();
		const api = await connected(target);
		const [added] = await api.write('/ip/hotspot/user/add', [
			'=name=wanjiku',
			'=password=4821',
			'=limit-uptime=1d',
			'=comment=acct 1001'
		]);
		const id = added?.ret;
		expect(id).toBe('*1');

		const printed = await api.write('/ip/hotspot/user/print', ['?name=wanjiku']);
		expect(printed).toEqual([
			expect.objectContaining({
				'.id': id,
				name: 'wanjiku',
				password: '4821',
				'limit-uptime': '1d',
				comment: 'acct 1001'
			})
		]);

		await api.write('/ip/hotspot/user/set', [`=.id=${id}`, '=limit-uptime=2d', '=disabled=yes']);
		expect(target.router.row('/ip/hotspot/user', 'wanjiku')).toMatchObject({
			'limit-uptime': '2d',
			disabled: 'true'
		});

		expect(await api.write('/ip/hotspot/user/remove', [`=.id=${id}`])).toEqual([]);
		expect(await api.write('/ip/hotspot/user/print', ['?name=wanjiku'])).toEqual([]);
	});

	it("rejects a duplicate user with RouterOS's message", async () => {
		const api = await connected(await sim());
		await api.write('/ip/hotspot/user/add', ['=name=otieno']);
		await expect(api.write('/ip/hotspot/user/add', ['=name=otieno'])).rejects.toThrow(
			'failure: already have user with this name for this server'
		);
		await expect(
			api.write('/ip/hotspot/user/add', ['=name=x', '=profile=missing'])
		).rejects.toThrow('input does not match any value of profile');
		// The connection survives the traps.
		expect(await api.write('/system/identity/print')).toEqual([{ name: 'MikroTik' }]);
	});

	it('rejects a bad login with CANTLOGIN', async () => {
		const target = await sim({ users: [{ name: 'api', password: 'right' }] });
		await expect(client(target, 'api', 'wrong').connect()).rejects.toMatchObject({
			errno: 'CANTLOGIN'
		});
		target.faults.rejectLogin = true;
		await expect(client(target, 'api', 'right').connect()).rejects.toMatchObject({
			errno: 'CANTLOGIN'
		});
	});

	it('runs many commands at once on one connection, replies arriving out of order', async () => {
		const target = await sim();
		target.faults.replyDelayMs = (command) =>
			((command.attributes.get('name')?.length ?? 0) % 3) * 20;
		const api = await connected(target);
		const names = Array.from({ length: 200 }, (_, i) => `user-${i}`);
		const results = await Promise.all(
			names.map((name) => api.write('/ip/hotspot/user/add', [`=name=${name}`]))
		);
		expect(new Set(results.map(([row]) => row?.ret)).size).toBe(200);
		const listed = await api.write('/ip/hotspot/user/print', [
			'=.proplist=name',
			'?name=user-7',
			'?name=user-42',
			'?#|'
		]);
		expect(listed).toEqual([{ name: 'user-7' }, { name: 'user-42' }]);
		expect(await api.write('/ip/hotspot/user/print', ['=count-only='])).toEqual([{ ret: '201' }]);
	});

	it('sees the router as unreachable while it refuses connections', async () => {
		const target = await sim();
		await target.stopListening();
		await expect(client(target).connect()).rejects.toMatchObject({ errno: expect.anything() });
	});

	it('hears about a dropped connection only on the api object', async () => {
		const target = await sim();
		const api = await connected(target);
		const closed = new Promise<void>((resolve) => {
			api.once('close', () => resolve());
			api.once('error', () => resolve());
		});
		target.faults.dropOnCommand = '/ppp/secret/add';
		const pending = api.write('/ppp/secret/add', ['=name=lost']);
		await closed;
		expect(await settledWithin(pending, 200)).toBe(false);
	});

	it('connects over api-ssl', async (context) => {
		let dir: string | undefined;
		try {
			dir = mkdtempSync(join(tmpdir(), 'routeros-sim-'));
			execFileSync(
				'openssl',
				[
					'req',
					'-x509',
					'-newkey',
					'rsa:2048',
					'-nodes',
					'-days',
					'1',
					'-subj',
					'/CN=router',
					'-keyout',
					join(dir, 'key.pem'),
					'-out',
					join(dir, 'cert.pem')
				],
				{ stdio: 'ignore' }
			);
		} catch {
			if (dir) rmSync(dir, { recursive: true, force: true });
			context.skip();
			return;
		}
		const target = await sim({
			tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
		});
		rmSync(dir, { recursive: true, force: true });
		const api = client(target, 'admin', '', { tls: { rejectUnauthorized: false } });
		await api.connect();
		expect(await api.write('/system/identity/print')).toEqual([{ name: 'MikroTik' }]);
		expect(target.tls).toBe(true);
	});
});
