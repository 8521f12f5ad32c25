import { describe, expect, it } from 'vitest';
import { RouterCommandFailed, type RouterConnection } from './client';
import { API_POLICY, onboardingScript, type OnboardingOptions } from './onboarding-script';
import { ensureProfile, ensureUser, testConnection } from './operations';
import { cliToApi, scriptToApi, type ApiSentence } from '../../testing/routeros-cli';
import { useSimulatedRouters } from '../../testing/routers';

const simulatedRouter = useSimulatedRouters();

const options: OnboardingOptions = {
	apiUser: 'mtandao',
	apiPassword: 'k9$Vq"2?zX\\pL7w',
	billingHost: 'pay.example.co.ke',
	portalUrl: 'https://pay.example.co.ke/portal/nyota-net',
	apiPort: 8728,
	allowedAddress: '203.0.113.7'
};

/** Menus the simulator does not model; a real router runs these lines too. */
const NOT_SIMULATED = ['/certificate/'];

/** Applies sentences the way a pasted script runs: an error is printed and the next line runs. */
async function applyScript(
	api: RouterConnection,
	sentences: readonly ApiSentence[]
): Promise<string[]> {
	const errors: string[] = [];
	for (const sentence of sentences) {
		if (NOT_SIMULATED.some((prefix) => sentence.command.startsWith(prefix))) continue;
		const words = [...sentence.words];
		if (sentence.find) {
			const found = await api.write(`${sentence.find.menu}/print`, [
				'=.proplist=.id',
				...sentence.find.queries
			]);
			if (found.length === 0) continue;
			words.unshift(`=.id=${found.map((item) => item['.id']).join(',')}`);
		}
		try {
			await api.write(sentence.command, words);
		} catch (error) {
			if (!(error instanceof RouterCommandFailed)) throw error;
			errors.push(`${sentence.command}: ${error.message}`);
		}
	}
	return errors;
}

describe('the console-to-API converter', () => {
	it('turns console commands into API sentences', () => {
		expect(cliToApi('/ip hotspot walled-garden add dst-host=x action=allow')).toEqual({
			command: '/ip/hotspot/walled-garden/add',
			words: ['=dst-host=x', '=action=allow']
		});
		expect(cliToApi('/ip service set [find name=api] port=8728 address="10.0.0.1/32"')).toEqual({
			command: '/ip/service/set',
			words: ['=port=8728', '=address=10.0.0.1/32'],
			find: { menu: '/ip/service', queries: ['?name=api'] }
		});
		expect(
			cliToApi('/user add name=a password="q\\"\\$\\?\\\\" comment="two words"')?.words
		).toEqual(['=name=a', '=password=q"$?\\', '=comment=two words']);
		expect(cliToApi('/certificate sign mtandao-api')).toEqual({
			command: '/certificate/sign',
			words: ['=numbers=mtandao-api']
		});
		expect(cliToApi('# a comment')).toBeUndefined();
		expect(cliToApi('   ')).toBeUndefined();
	});
});

describe('onboardingScript', () => {
	it('is plain ASCII with the steps a router needs', () => {
		const script = onboardingScript(options);
		expect(script).toMatch(/^[\x20-\x7e\n]*$/);
		const commands = scriptToApi(script).map((sentence) => sentence.command);
		for (const needed of [
			'/user/group/add',
			'/user/add',
			'/ip/service/set',
			'/ip/hotspot/walled-garden/add',
			'/ip/hotspot/walled-garden/ip/add',
			'/ip/hotspot/profile/set'
		]) {
			expect(commands).toContain(needed);
		}
		expect(script).toContain('login-by=http-chap,http-pap');
		expect(script).toContain('https://pay.example.co.ke/portal/nyota-net');
	});

	it('grants the API account read, write and api only', () => {
		const granted = API_POLICY.split(',').filter((policy) => !policy.startsWith('!'));
		expect(granted.sort()).toEqual(['api', 'read', 'write']);
		for (const denied of [
			'local',
			'telnet',
			'ssh',
			'ftp',
			'reboot',
			'policy',
			'test',
			'winbox',
			'password',
			'web',
			'sniff',
			'sensitive',
			'romon'
		]) {
			expect(API_POLICY.split(',')).toContain(`!${denied}`);
		}
	});

	it('sets up a router so that the new API account can log in and provision', async () => {
		const router = await simulatedRouter({ identity: 'Nyota-Kondele' });
		const admin = await router.connect();
		expect(await applyScript(admin, scriptToApi(onboardingScript(options)))).toEqual([]);

		const sim = router.sim.router;
		expect(sim.row('/user/group', 'mtandao-api')?.policy).toBe(API_POLICY);
		expect(sim.row('/user', 'mtandao')).toMatchObject({
			group: 'mtandao-api',
			address: '203.0.113.7',
			disabled: 'false'
		});
		expect(sim.row('/ip/service', 'api')).toMatchObject({
			port: '8728',
			disabled: 'false',
			address: '203.0.113.7'
		});
		expect(sim.rows('/ip/hotspot/walled-garden')).toEqual([
			expect.objectContaining({
				'dst-host': 'pay.example.co.ke',
				action: 'allow',
				disabled: 'false'
			})
		]);
		expect(sim.rows('/ip/hotspot/walled-garden/ip')).toEqual([
			expect.objectContaining({ 'dst-host': 'pay.example.co.ke', action: 'accept' })
		]);
		expect(sim.rows('/ip/hotspot/profile').map((profile) => profile['login-by'])).toEqual([
			'http-chap,http-pap',
			'http-chap,http-pap'
		]);

		const asMtandao = router.target({ user: 'mtandao', password: options.apiPassword });
		expect((await testConnection(asMtandao)).identity).toBe('Nyota-Kondele');
		const api = await router.connect({ user: 'mtandao', password: options.apiPassword });
		await ensureProfile(api, 'hotspot', { name: 'daily-5m', rateLimit: '2M/5M' });
		expect(
			await ensureUser(api, 'hotspot', {
				name: 'wanjiku',
				password: '4821-kibera',
				profile: 'daily-5m',
				disabled: false,
				comment: 'sub 1001'
			})
		).toBe('added');
		expect(sim.row('/ip/hotspot/user', 'wanjiku')?.profile).toBe('daily-5m');
	});

	it('converges when pasted twice', async () => {
		const router = await simulatedRouter();
		const admin = await router.connect();
		const sentences = scriptToApi(onboardingScript({ ...options, apiGroup: 'billing' }));
		await applyScript(admin, sentences);
		const errors = await applyScript(admin, sentences);
		// Only the adds of named items complain, and the sets after them put the values back.
		expect(errors).toEqual([
			'/user/group/add: failure: group with the same name already exists',
			'/user/add: failure: user with the same name already exists'
		]);
		const sim = router.sim.router;
		expect(sim.rows('/user/group').filter((group) => group.name === 'billing')).toHaveLength(1);
		expect(sim.rows('/user').filter((user) => user.name === 'mtandao')).toHaveLength(1);
		expect(sim.rows('/ip/hotspot/walled-garden')).toHaveLength(1);
		expect(sim.rows('/ip/hotspot/walled-garden/ip')).toHaveLength(1);
		expect(
			(await testConnection(router.target({ user: 'mtandao', password: options.apiPassword })))
				.identity
		).toBe('MikroTik');
	});

	it('uses api-ssl with a certificate on 8729, and restricts walled-garden entries to one hotspot', () => {
		const script = onboardingScript({
			...options,
			apiPort: 8729,
			hotspotServer: 'hotspot1',
			portalUrl: 'https://portal.example.co.ke/portal/x'
		});
		expect(script).toContain(
			'/ip service set [find name=api-ssl] port=8729 disabled=no address=203.0.113.7'
		);
		expect(script).toContain('/certificate sign mtandao-api');
		expect(script).toContain(
			'/ip hotspot walled-garden add dst-host=portal.example.co.ke action=allow server=hotspot1'
		);
		expect(script).toContain(
			'/ip hotspot walled-garden add dst-host=pay.example.co.ke action=allow server=hotspot1'
		);
	});

	it('refuses values that would break the script', () => {
		expect(() => onboardingScript({ ...options, apiUser: 'bad user' })).toThrow(TypeError);
		expect(() =>
			onboardingScript({ ...options, billingHost: 'https://pay.example.co.ke' })
		).toThrow(TypeError);
		expect(() => onboardingScript({ ...options, apiPassword: 'short' })).toThrow(TypeError);
		expect(() =>
			onboardingScript({ ...options, apiPassword: 'non-ascii-\u00e9-password' })
		).toThrow(TypeError);
		expect(() =>
			onboardingScript({ ...options, allowedAddress: '203.0.113.7; /system reset' })
		).toThrow(TypeError);
	});
});
