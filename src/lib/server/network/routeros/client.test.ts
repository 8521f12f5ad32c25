import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startRouterSim } from '../../../../../tools/sim/routeros';
import {
	RouterCommandFailed,
	RouterLoginFailed,
	RouterUnreachable,
	closeAllRouterConnections,
	connectRouter,
	withRouter
} from './client';
import { testConnection } from './operations';
import { settlesWithin, startScriptedRouter, useSimulatedRouters } from '../../testing/routers';

const simulatedRouter = useSimulatedRouters();
const SECRET = 'Sup3r-Secret-Pa55';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
	return promise.then(
		() => {
			throw new Error('expected a failure');
		},
		(error: unknown) => error
	);
}

describe('testConnection', () => {
	it('reads identity, version, uptime and board of a reachable router', async () => {
		const router = await simulatedRouter({ identity: 'Kibera-HQ' });
		const info = await testConnection(router.target());
		expect(info).toMatchObject({
			identity: 'Kibera-HQ',
			version: '7.16.2 (stable)',
			boardName: 'hAP ac^2'
		});
		expect(info.uptime).toMatch(/^\d+[wdhms]/);
		expect(info.uptimeSeconds).toBeGreaterThanOrEqual(0);
		// Its own connection, closed afterwards.
		await expect.poll(() => router.sim.connectionCount).toBe(0);
	});

	it('says refused when nothing listens on the port', async () => {
		const router = await simulatedRouter();
		await router.sim.stopListening();
		const error = await failureOf(testConnection(router.target()));
		expect(error).toBeInstanceOf(RouterUnreachable);
		expect(error).toMatchObject({ reason: 'refused', routerId: router.target().id });
	});

	it('says refused when the router hangs up before login (API restricted to other addresses)', async () => {
		const router = await simulatedRouter();
		router.sim.faults.refuseConnections = true;
		const error = await failureOf(testConnection(router.target()));
		expect(error).toBeInstanceOf(RouterUnreachable);
		expect(error).toMatchObject({ reason: 'refused' });
	});

	it('says unreachable when the host name does not resolve', async () => {
		const router = await simulatedRouter();
		const error = await failureOf(
			testConnection(router.target({ host: 'no-such-router.invalid' }))
		);
		expect(error).toBeInstanceOf(RouterUnreachable);
		expect(['unreachable', 'timeout']).toContain((error as RouterUnreachable).reason);
	});

	it('says login failed when the router rejects the credentials', async () => {
		const router = await simulatedRouter({ users: [{ name: 'mtandao', password: 'right-one' }] });
		const wrong = await failureOf(
			testConnection(router.target({ user: 'mtandao', password: SECRET }))
		);
		expect(wrong).toBeInstanceOf(RouterLoginFailed);
		router.sim.faults.rejectLogin = true;
		const rejected = await failureOf(
			testConnection(router.target({ user: 'mtandao', password: 'right-one' }))
		);
		expect(rejected).toBeInstanceOf(RouterLoginFailed);
	});

	it('gives up on a router that accepts the connection but never answers, within the timeout', async () => {
		const router = await simulatedRouter();
		router.sim.faults.unresponsive = true;
		const started = Date.now();
		const error = await failureOf(testConnection(router.target({ timeoutMs: 400 })));
		expect(error).toBeInstanceOf(RouterUnreachable);
		expect(error).toMatchObject({ reason: 'timeout' });
		expect(Date.now() - started).toBeLessThan(1_500);
	});

	it('connects over api-ssl', async (context) => {
		let dir: string | undefined;
		try {
			dir = mkdtempSync(join(tmpdir(), 'mtandao-api-ssl-'));
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
		const sim = await startRouterSim({
			identity: 'Secure',
			tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
		});
		rmSync(dir, { recursive: true, force: true });
		try {
			const info = await testConnection({
				id: 'tls',
				host: sim.host,
				port: sim.port,
				tls: true,
				user: 'admin',
				password: ''
			});
			expect(info.identity).toBe('Secure');
		} finally {
			await sim.close();
		}
	});
});

describe('commands on a connection', () => {
	it('rejects, instead of hanging, every command in flight when the router drops the connection', async () => {
		const router = await simulatedRouter();
		const connection = await router.connect();
		router.sim.faults.replyDelayMs = 100;
		const slow = connection.write('/system/identity/print');
		router.sim.faults.dropOnCommand = '/ppp/secret/add';
		const dropped = connection.write('/ppp/secret/add', ['=name=lost']);
		expect(await settlesWithin(dropped, 1_000)).toBe(true);
		await expect(dropped).rejects.toMatchObject({ name: 'RouterUnreachable', reason: 'dropped' });
		await expect(slow).rejects.toBeInstanceOf(RouterUnreachable);
		expect(connection.isOpen).toBe(false);
		// Later commands fail at once rather than queue on a dead socket.
		await expect(connection.write('/system/identity/print')).rejects.toBeInstanceOf(
			RouterUnreachable
		);
	});

	it('times out a command the router never answers, within the configured timeout', async () => {
		const router = await simulatedRouter();
		const connection = await router.connect({ timeoutMs: 300 });
		router.sim.faults.unresponsive = true;
		const started = Date.now();
		await expect(connection.write('/system/identity/print')).rejects.toMatchObject({
			name: 'RouterUnreachable',
			reason: 'timeout'
		});
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(connection.isOpen).toBe(false);
	});

	it("maps a !trap to RouterCommandFailed with RouterOS's own message, and the connection carries on", async () => {
		const router = await simulatedRouter();
		const connection = await router.connect();
		await connection.write('/ip/hotspot/user/add', ['=name=otieno']);
		const error = await failureOf(connection.write('/ip/hotspot/user/add', ['=name=otieno']));
		expect(error).toBeInstanceOf(RouterCommandFailed);
		expect(error).toMatchObject({
			message: 'failure: already have user with this name for this server',
			command: '/ip/hotspot/user/add'
		});
		expect(await connection.write('/system/identity/print')).toEqual([{ name: 'MikroTik' }]);
		expect(connection.isOpen).toBe(true);
	});

	it('answers a print that finds nothing with [] on RouterOS 7.18+ (!empty)', async () => {
		const router = await simulatedRouter({ emptyReplies: true });
		const connection = await router.connect();
		expect(await connection.write('/ppp/secret/print', ['?name=nobody'])).toEqual([]);
		expect(await connection.write('/ppp/active/print')).toEqual([]);
		expect(await connection.write('/system/identity/print')).toEqual([{ name: 'MikroTik' }]);
	});
});

describe('withRouter', () => {
	it('reuses one logged-in connection per router', async () => {
		const router = await simulatedRouter();
		const target = router.target();
		await Promise.all([
			withRouter(target, (api) => api.write('/system/identity/print')),
			withRouter(target, (api) => api.write('/system/resource/print'))
		]);
		await withRouter(target, (api) => api.write('/ip/hotspot/user/print'));
		expect(router.sim.router.commandCount('/login')).toBe(1);
		expect(router.sim.connectionCount).toBe(1);
	});

	it('reconnects after the router drops the connection (a reboot)', async () => {
		const router = await simulatedRouter();
		const target = router.target();
		await withRouter(target, (api) => api.write('/system/identity/print'));
		router.sim.disconnectAll();
		await expect.poll(() => router.sim.connectionCount).toBe(0);
		expect(await withRouter(target, (api) => api.write('/system/identity/print'))).toEqual([
			{ name: 'MikroTik' }
		]);
		expect(router.sim.router.commandCount('/login')).toBe(2);
	});

	it('does not cache a failed connect: the next call tries again', async () => {
		const router = await simulatedRouter();
		const target = router.target();
		router.sim.faults.rejectLogin = true;
		await expect(
			withRouter(target, (api) => api.write('/system/identity/print'))
		).rejects.toBeInstanceOf(RouterLoginFailed);
		router.sim.faults.rejectLogin = false;
		expect(await withRouter(target, (api) => api.write('/system/identity/print'))).toEqual([
			{ name: 'MikroTik' }
		]);
	});

	it('opens a new connection when the credentials change, and closes the old one', async () => {
		const router = await simulatedRouter({ users: [{ name: 'admin', password: 'old-password' }] });
		await withRouter(router.target({ password: 'old-password' }), (api) =>
			api.write('/system/identity/print')
		);
		router.sim.router.execute(['/user/set', '=numbers=admin', '=password=new-password']);
		await withRouter(router.target({ password: 'new-password' }), (api) =>
			api.write('/system/identity/print')
		);
		expect(router.sim.router.commandCount('/login')).toBe(2);
		await expect.poll(() => router.sim.connectionCount).toBe(1);
	});

	it('lets work in flight finish on the old connection when the credentials change', async () => {
		const router = await simulatedRouter();
		router.sim.faults.replyDelayMs = 150;
		const slow = withRouter(router.target(), (api) => api.write('/system/identity/print'));
		await new Promise((resolve) => setTimeout(resolve, 50));
		const other = withRouter(router.target({ host: 'localhost' }), (api) =>
			api.write('/system/identity/print')
		);
		await expect(slow).resolves.toEqual([{ name: 'MikroTik' }]);
		await expect(other).resolves.toEqual([{ name: 'MikroTik' }]);
	});

	it('closes everything on shutdown', async () => {
		const router = await simulatedRouter();
		await withRouter(router.target(), (api) => api.write('/system/identity/print'));
		await closeAllRouterConnections();
		await expect.poll(() => router.sim.connectionCount).toBe(0);
	});
});

describe('secrets', () => {
	it('keeps the router password out of error messages and inspected errors', async () => {
		const router = await simulatedRouter({ users: [{ name: 'admin', password: 'right-one' }] });
		const login = await failureOf(testConnection(router.target({ password: SECRET })));
		router.sim.faults.unresponsive = true;
		const timeout = await failureOf(
			testConnection(router.target({ password: SECRET, timeoutMs: 300 }))
		);
		router.sim.faults.unresponsive = false;
		await router.sim.stopListening();
		const refused = await failureOf(testConnection(router.target({ password: SECRET })));
		for (const error of [login, timeout, refused]) {
			expect(String(error)).not.toContain(SECRET);
			expect(inspect(error, { depth: 5 })).not.toContain(SECRET);
		}
	});

	it('keeps passwords out of trap messages even if the router echoes them', async () => {
		const router = await startScriptedRouter((words) => {
			const value = words.find((word) => word.startsWith('=password='))?.slice(10);
			return [['!trap', `=message=password ${value} is too weak`], ['!done']];
		});
		try {
			const connection = await connectRouter(router.target({ password: SECRET }));
			const error = await failureOf(
				connection.write('/ppp/secret/add', ['=name=x', '=password=hunter2-secret'])
			);
			expect(error).toBeInstanceOf(RouterCommandFailed);
			expect((error as Error).message).toBe('password *** is too weak');
			await connection.close();
		} finally {
			await router.close();
		}
	});

	it('does not leak the password when inspecting a connection', async () => {
		const router = await simulatedRouter({ users: [{ name: 'admin', password: SECRET }] });
		const connection = await connectRouter(router.target({ password: SECRET }));
		expect(inspect(connection, { depth: 10 })).not.toContain(SECRET);
		await connection.close();
	});
});
