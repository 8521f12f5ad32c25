import { describe, expect, it } from 'vitest';
import { RouterCommandFailed } from './client';
import {
	MENUS,
	ensureProfile,
	ensureUser,
	hotspotLogin,
	listUsers,
	removeUser,
	setUserDisabled,
	type ServiceKind,
	type UserSpec
} from './operations';
import { useSimulatedRouters, type SimulatedRouter } from '../../testing/routers';

const simulatedRouter = useSimulatedRouters();

const wanjiku: UserSpec = {
	name: 'wanjiku',
	password: '4821-kibera',
	profile: 'daily-5m',
	disabled: false,
	comment: 'sub 1001'
};

async function routerWithProfile(kind: ServiceKind, options = {}): Promise<SimulatedRouter> {
	const router = await simulatedRouter(options);
	const api = await router.connect();
	await ensureProfile(api, kind, { name: 'daily-5m', rateLimit: '2M/5M' });
	await ensureProfile(api, kind, { name: 'weekly-10m', rateLimit: '5M/10M' });
	return router;
}

function lastSet(router: SimulatedRouter, menu: string): Record<string, string> | undefined {
	return router.sim.router.commandLog.filter((command) => command.path === `${menu}/set`).at(-1)
		?.attributes;
}

describe.each(['hotspot', 'pppoe'] as const)('%s subscribers', (kind) => {
	const menu = MENUS[kind].users;

	it('adds a subscriber once, however often it is ensured', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		expect(await ensureUser(api, kind, wanjiku)).toBe('added');
		expect(await ensureUser(api, kind, wanjiku)).toBe('unchanged');
		expect(router.sim.router.commandCount(`${menu}/add`)).toBe(1);
		expect(router.sim.router.commandCount(`${menu}/set`)).toBe(0);
		expect(router.sim.router.rows(menu).filter((row) => row.name === 'wanjiku')).toHaveLength(1);
		expect(router.sim.router.row(menu, 'wanjiku')).toMatchObject({
			password: '4821-kibera',
			profile: 'daily-5m',
			disabled: 'false',
			comment: 'sub 1001'
		});
	});

	it('sets only the fields that changed', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, wanjiku);
		expect(await ensureUser(api, kind, { ...wanjiku, profile: 'weekly-10m' })).toBe('updated');
		expect(lastSet(router, menu)).toEqual({ '.id': expect.any(String), profile: 'weekly-10m' });
		expect(
			await ensureUser(api, kind, {
				...wanjiku,
				profile: 'weekly-10m',
				disabled: true,
				comment: 'sub 1001 expired'
			})
		).toBe('updated');
		expect(lastSet(router, menu)).toEqual({
			'.id': expect.any(String),
			disabled: 'yes',
			comment: 'sub 1001 expired'
		});
		expect(router.sim.router.row(menu, 'wanjiku')).toMatchObject({
			profile: 'weekly-10m',
			disabled: 'true',
			comment: 'sub 1001 expired'
		});
	});

	it('puts back what someone changed by hand on the router', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, wanjiku);
		router.sim.router.execute([
			`${menu}/set`,
			'=numbers=wanjiku',
			'=password=changed',
			'=disabled=yes'
		]);
		expect(await ensureUser(api, kind, wanjiku)).toBe('updated');
		expect(lastSet(router, menu)).toEqual({
			'.id': expect.any(String),
			password: '4821-kibera',
			disabled: 'no'
		});
	});

	it('drops live sessions when disabling, because RouterOS leaves them up', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, wanjiku);
		addSession(router, kind, 'wanjiku');
		addSession(router, kind, 'wanjiku');
		addSession(router, kind, 'otieno');
		expect(await setUserDisabled(api, kind, 'wanjiku', true)).toEqual({
			found: true,
			changed: true,
			sessionsDropped: 2
		});
		expect(router.sim.router.row(menu, 'wanjiku')?.disabled).toBe('true');
		expect(sessionOwners(router, kind)).toEqual(['otieno']);
		// Again: nothing to change, nothing to drop.
		expect(await setUserDisabled(api, kind, 'wanjiku', true)).toEqual({
			found: true,
			changed: false,
			sessionsDropped: 0
		});
	});

	it('leaves sessions alone when enabling, or when told to', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, { ...wanjiku, disabled: true });
		addSession(router, kind, 'wanjiku');
		expect(await setUserDisabled(api, kind, 'wanjiku', false)).toEqual({
			found: true,
			changed: true,
			sessionsDropped: 0
		});
		expect(
			await setUserDisabled(api, kind, 'wanjiku', true, { dropSessions: false })
		).toMatchObject({ sessionsDropped: 0 });
		expect(sessionOwners(router, kind)).toEqual(['wanjiku']);
	});

	it('reports a subscriber the router does not have', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		expect(await setUserDisabled(api, kind, 'ghost', false)).toEqual({
			found: false,
			changed: false,
			sessionsDropped: 0
		});
	});

	it('removes a subscriber with its sessions, and removing a missing one is a no-op', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, wanjiku);
		addSession(router, kind, 'wanjiku');
		expect(await removeUser(api, kind, 'wanjiku')).toEqual({ removed: true, sessionsDropped: 1 });
		expect(router.sim.router.row(menu, 'wanjiku')).toBeUndefined();
		expect(sessionOwners(router, kind)).toEqual([]);
		expect(await removeUser(api, kind, 'wanjiku')).toEqual({ removed: false, sessionsDropped: 0 });
	});

	it('lists subscribers for reconciliation, without the router’s own entries', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, wanjiku);
		await ensureUser(api, kind, {
			...wanjiku,
			name: 'otieno',
			disabled: true,
			comment: 'sub 1002',
			profile: 'weekly-10m'
		});
		expect(await listUsers(api, kind)).toEqual([
			{ name: 'wanjiku', profile: 'daily-5m', disabled: false, comment: 'sub 1001' },
			{ name: 'otieno', profile: 'weekly-10m', disabled: true, comment: 'sub 1002' }
		]);
	});

	it('works on RouterOS 7.18+, where a print that finds nothing answers !empty', async () => {
		const router = await routerWithProfile(kind, { emptyReplies: true });
		const api = await router.connect();
		expect(await listUsers(api, kind)).toEqual([]);
		expect(await ensureUser(api, kind, wanjiku)).toBe('added');
		expect(await ensureUser(api, kind, wanjiku)).toBe('unchanged');
		expect(await setUserDisabled(api, kind, 'wanjiku', true)).toEqual({
			found: true,
			changed: true,
			sessionsDropped: 0
		});
		expect(await removeUser(api, kind, 'nobody')).toEqual({ removed: false, sessionsDropped: 0 });
	});

	it("refuses an unknown profile with RouterOS's message", async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		const attempt = ensureUser(api, kind, { ...wanjiku, profile: 'no-such-package' });
		await expect(attempt).rejects.toBeInstanceOf(RouterCommandFailed);
		await expect(attempt).rejects.toThrow('input does not match any value of profile');
	});

	it('folds a non-ASCII comment to what the router can show', async () => {
		const router = await routerWithProfile(kind);
		const api = await router.connect();
		await ensureUser(api, kind, { ...wanjiku, comment: 'Wanjik\u0169 \u2013 Kibera' });
		expect(router.sim.router.row(menu, 'wanjiku')?.comment).toBe('Wanjiku ? Kibera');
		expect(await ensureUser(api, kind, { ...wanjiku, comment: 'Wanjik\u0169 \u2013 Kibera' })).toBe(
			'unchanged'
		);
	});
});

describe('PPPoE specifics', () => {
	it('pins a secret to the pppoe service', async () => {
		const router = await routerWithProfile('pppoe');
		const api = await router.connect();
		await ensureUser(api, 'pppoe', wanjiku);
		expect(router.sim.router.row('/ppp/secret', 'wanjiku')?.service).toBe('pppoe');
		router.sim.router.execute(['/ppp/secret/set', '=numbers=wanjiku', '=service=any']);
		expect(await ensureUser(api, 'pppoe', wanjiku)).toBe('updated');
		expect(lastSet(router, '/ppp/secret')).toEqual({ '.id': expect.any(String), service: 'pppoe' });
	});

	it('refuses hotspot-only fields', async () => {
		const router = await routerWithProfile('pppoe');
		const api = await router.connect();
		await expect(ensureUser(api, 'pppoe', { ...wanjiku, limitBytesTotal: 1_000 })).rejects.toThrow(
			TypeError
		);
	});
});

describe('hotspot specifics', () => {
	it('manages the server and the data cap', async () => {
		const router = await routerWithProfile('hotspot');
		const api = await router.connect();
		await ensureUser(api, 'hotspot', {
			...wanjiku,
			server: 'hotspot1',
			limitBytesTotal: 5 * 1024 ** 3
		});
		expect(router.sim.router.row('/ip/hotspot/user', 'wanjiku')).toMatchObject({
			server: 'hotspot1',
			'limit-bytes-total': String(5 * 1024 ** 3)
		});
		expect(
			await ensureUser(api, 'hotspot', {
				...wanjiku,
				server: 'hotspot1',
				limitBytesTotal: 5 * 1024 ** 3
			})
		).toBe('unchanged');
		expect(await ensureUser(api, 'hotspot', { ...wanjiku, limitBytesTotal: 0 })).toBe('updated');
		expect(router.sim.router.row('/ip/hotspot/user', 'wanjiku')?.['limit-bytes-total']).toBe('0');
	});

	it('logs a paying device in through the API, with the hotspot’s own refusals', async () => {
		const router = await routerWithProfile('hotspot');
		const api = await router.connect();
		await ensureUser(api, 'hotspot', wanjiku);
		await hotspotLogin(api, {
			user: 'wanjiku',
			password: '4821-kibera',
			ip: '10.5.50.23',
			mac: '02:00:00:00:00:17'
		});
		expect(router.sim.router.rows('/ip/hotspot/active')).toEqual([
			expect.objectContaining({
				user: 'wanjiku',
				address: '10.5.50.23',
				'mac-address': '02:00:00:00:00:17'
			})
		]);
		await expect(
			hotspotLogin(api, {
				user: 'wanjiku',
				password: 'wrong',
				ip: '10.5.50.24',
				mac: '02:00:00:00:00:18'
			})
		).rejects.toThrow('invalid username or password');
	});
});

function addSession(router: SimulatedRouter, kind: ServiceKind, user: string): void {
	if (kind === 'hotspot') router.sim.router.addHotspotSession({ user });
	else router.sim.router.addPppSession({ name: user });
}

function sessionOwners(router: SimulatedRouter, kind: ServiceKind): string[] {
	const { active, activeUserField } = MENUS[kind];
	return router.sim.router.rows(active).map((row) => row[activeUserField] ?? '');
}
