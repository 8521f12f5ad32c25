import { describe, expect, it } from 'vitest';
import { ensureProfile, listProfiles } from './operations';
import { useSimulatedRouters } from '../../testing/routers';

const simulatedRouter = useSimulatedRouters();

describe('hotspot profiles', () => {
	it('adds a package profile once and then leaves it alone', async () => {
		const router = await simulatedRouter();
		const api = await router.connect();
		const spec = { name: 'daily-5m', rateLimit: '2M/5M', sharedUsers: 2, sessionTimeout: 3600 };
		expect(await ensureProfile(api, 'hotspot', spec)).toBe('added');
		// The router prints 3600 seconds back as 1h: still unchanged.
		expect(router.sim.router.row('/ip/hotspot/user/profile', 'daily-5m')).toMatchObject({
			'rate-limit': '2M/5M',
			'shared-users': '2',
			'session-timeout': '1h'
		});
		expect(await ensureProfile(api, 'hotspot', spec)).toBe('unchanged');
		expect(router.sim.router.commandCount('/ip/hotspot/user/profile/add')).toBe(1);
		expect(router.sim.router.commandCount('/ip/hotspot/user/profile/set')).toBe(0);
	});

	it('changes only the speed when only the speed changed', async () => {
		const router = await simulatedRouter();
		const api = await router.connect();
		await ensureProfile(api, 'hotspot', { name: 'daily-5m', rateLimit: '2M/5M', sharedUsers: 1 });
		expect(
			await ensureProfile(api, 'hotspot', { name: 'daily-5m', rateLimit: '3M/8M', sharedUsers: 1 })
		).toBe('updated');
		const set = router.sim.router.commandLog
			.filter((command) => command.path === '/ip/hotspot/user/profile/set')
			.at(-1);
		expect(set?.attributes).toEqual({ '.id': expect.any(String), 'rate-limit': '3M/8M' });
	});

	it('lists profiles with speed, sharing and timeout', async () => {
		const router = await simulatedRouter();
		const api = await router.connect();
		await ensureProfile(api, 'hotspot', {
			name: 'family',
			rateLimit: '5M/10M',
			sharedUsers: 'unlimited',
			sessionTimeout: 86_400
		});
		expect(await listProfiles(api, 'hotspot')).toEqual([
			{ name: 'default', rateLimit: '', sharedUsers: 1, sessionTimeout: null },
			{ name: 'family', rateLimit: '5M/10M', sharedUsers: 'unlimited', sessionTimeout: 86_400 }
		]);
	});
});

describe('PPPoE profiles', () => {
	it('maps one device per login to only-one', async () => {
		const router = await simulatedRouter();
		const api = await router.connect();
		expect(
			await ensureProfile(api, 'pppoe', { name: 'home-10m', rateLimit: '5M/10M', sharedUsers: 1 })
		).toBe('added');
		expect(router.sim.router.row('/ppp/profile', 'home-10m')).toMatchObject({
			'rate-limit': '5M/10M',
			'only-one': 'yes'
		});
		expect(
			await ensureProfile(api, 'pppoe', { name: 'home-10m', rateLimit: '5M/10M', sharedUsers: 1 })
		).toBe('unchanged');
		const profiles = await listProfiles(api, 'pppoe');
		expect(profiles.find((profile) => profile.name === 'home-10m')).toEqual({
			name: 'home-10m',
			rateLimit: '5M/10M',
			sharedUsers: 1,
			sessionTimeout: null
		});
	});

	it('works on RouterOS 7.18+ (!empty)', async () => {
		const router = await simulatedRouter({ emptyReplies: true });
		const api = await router.connect();
		expect(await ensureProfile(api, 'pppoe', { name: 'home-10m', rateLimit: '5M/10M' })).toBe(
			'added'
		);
		expect(await ensureProfile(api, 'pppoe', { name: 'home-10m', rateLimit: '5M/10M' })).toBe(
			'unchanged'
		);
	});
});
