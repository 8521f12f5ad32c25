import { describe, expect, it } from 'vitest';
import { SimRouter } from './router';

/** Runs a command and returns its reply sentences, for readable expectations. */
function run(router: SimRouter, ...words: string[]): string[][] {
	return router.execute(words);
}

function addUser(router: SimRouter, name: string, ...extra: string[]): string {
	const [done] = run(router, '/ip/hotspot/user/add', `=name=${name}`, '=password=pw', ...extra);
	const ret = done?.find((word) => word.startsWith('=ret='));
	if (!ret) throw new Error(`add failed: ${JSON.stringify(done)}`);
	return ret.slice(5);
}

const trap = (message: string) => [['!trap', `=message=${message}`], ['!done']];

describe('hotspot users', () => {
	it('numbers new users with upper-case hex ids, per menu', () => {
		const router = new SimRouter();
		const ids = Array.from({ length: 27 }, (_, i) => addUser(router, `u${i}`));
		expect(ids.slice(0, 2)).toEqual(['*1', '*2']);
		expect(ids.at(-1)).toBe('*1B');
		expect(run(router, '/ppp/secret/add', '=name=p1')).toEqual([['!done', '=ret=*1']]);
	});

	it('fills in RouterOS defaults and leaves unset fields out', () => {
		const router = new SimRouter();
		const id = addUser(router, 'alice');
		expect(router.row('/ip/hotspot/user', id)).toMatchObject({
			'.id': id,
			name: 'alice',
			profile: 'default',
			server: 'all',
			disabled: 'false'
		});
		expect(router.row('/ip/hotspot/user', id)).not.toHaveProperty('comment');
		expect(router.row('/ip/hotspot/user', id)).not.toHaveProperty('limit-uptime');
	});

	it('prints values in RouterOS form', () => {
		const router = new SimRouter();
		addUser(
			router,
			'alice',
			'=limit-uptime=01:30:00',
			'=mac-address=aa-bb-cc-dd-ee-ff',
			'=limit-bytes-total=1G',
			'=disabled=yes'
		);
		expect(router.row('/ip/hotspot/user', 'alice')).toMatchObject({
			'limit-uptime': '1h30m',
			'mac-address': 'AA:BB:CC:DD:EE:FF',
			'limit-bytes-total': '1073741824',
			disabled: 'true'
		});
	});

	it('refuses a second user with the same name', () => {
		const router = new SimRouter();
		addUser(router, 'alice');
		expect(run(router, '/ip/hotspot/user/add', '=name=alice')).toEqual(
			trap('failure: already have user with this name for this server')
		);
	});

	it('refuses a profile that does not exist', () => {
		const router = new SimRouter();
		expect(run(router, '/ip/hotspot/user/add', '=name=a', '=profile=gold')).toEqual(
			trap('input does not match any value of profile')
		);
		run(router, '/ip/hotspot/user/profile/add', '=name=gold', '=rate-limit=2M/5M');
		expect(run(router, '/ip/hotspot/user/add', '=name=a', '=profile=gold')[0]?.[0]).toBe('!done');
	});

	it('asks for a name', () => {
		expect(run(new SimRouter(), '/ip/hotspot/user/add', '=password=x')).toEqual(
			trap('missing value(s) of argument(s) name')
		);
	});

	it('refuses parameters the menu does not have', () => {
		expect(run(new SimRouter(), '/ip/hotspot/user/add', '=name=a', '=colour=red')).toEqual(
			trap('unknown parameter')
		);
	});

	it('sets and removes by id, by =numbers= and by name', () => {
		const router = new SimRouter();
		const alice = addUser(router, 'alice');
		addUser(router, 'bob');
		addUser(router, 'carol');
		expect(
			run(router, '/ip/hotspot/user/set', `=.id=${alice.toLowerCase()}`, '=comment=paid')
		).toEqual([['!done']]);
		expect(run(router, '/ip/hotspot/user/set', '=numbers=bob', '=comment=due')).toEqual([
			['!done']
		]);
		expect(router.row('/ip/hotspot/user', 'alice')?.comment).toBe('paid');
		expect(router.row('/ip/hotspot/user', 'bob')?.comment).toBe('due');

		run(router, '/ip/hotspot/user/remove', `=numbers=${alice},carol`);
		expect(router.rows('/ip/hotspot/user').map((row) => row.name)).toEqual([
			'default-trial',
			'bob'
		]);
	});

	it('unsets a field set to an empty value', () => {
		const router = new SimRouter();
		addUser(router, 'alice', '=comment=x');
		run(router, '/ip/hotspot/user/set', '=numbers=alice', '=comment=');
		expect(router.row('/ip/hotspot/user', 'alice')).not.toHaveProperty('comment');
	});

	it('answers "no such item" for an unknown id or name', () => {
		const router = new SimRouter();
		expect(run(router, '/ip/hotspot/user/remove', '=.id=*99')).toEqual(trap('no such item'));
		expect(run(router, '/ip/hotspot/user/set', '=numbers=nobody', '=comment=x')).toEqual(
			trap('no such item')
		);
	});

	it('refuses renaming onto an existing name', () => {
		const router = new SimRouter();
		addUser(router, 'alice');
		addUser(router, 'bob');
		expect(run(router, '/ip/hotspot/user/set', '=numbers=bob', '=name=alice')).toEqual(
			trap('failure: already have user with this name for this server')
		);
		run(router, '/ip/hotspot/user/set', '=numbers=bob', '=name=robert');
		expect(router.row('/ip/hotspot/user', 'robert')?.name).toBe('robert');
		expect(router.row('/ip/hotspot/user', 'bob')).toBeUndefined();
	});

	it('disables and enables without touching the active session', () => {
		const router = new SimRouter();
		addUser(router, 'alice');
		router.addHotspotSession({ user: 'alice', address: '10.5.50.9' });
		run(router, '/ip/hotspot/user/disable', '=numbers=alice');
		expect(router.row('/ip/hotspot/user', 'alice')?.disabled).toBe('true');
		// RouterOS leaves the customer online: the billing app has to remove the session itself.
		expect(router.rows('/ip/hotspot/active')).toHaveLength(1);
		run(router, '/ip/hotspot/user/enable', '=numbers=alice');
		expect(router.row('/ip/hotspot/user', 'alice')?.disabled).toBe('false');
	});

	it('keeps the session when the user is removed', () => {
		const router = new SimRouter();
		addUser(router, 'alice');
		router.addHotspotSession({ user: 'alice' });
		run(router, '/ip/hotspot/user/remove', '=numbers=alice');
		expect(router.rows('/ip/hotspot/active').map((row) => row.user)).toEqual(['alice']);
	});
});

describe('profiles', () => {
	it('has the default profiles a new router has', () => {
		const router = new SimRouter();
		expect(router.rows('/ip/hotspot/user/profile').map((r) => [r['.id'], r.name])).toEqual([
			['*0', 'default']
		]);
		expect(router.rows('/ppp/profile').map((r) => [r['.id'], r.name])).toEqual([
			['*0', 'default'],
			['*FFFFFFFE', 'default-encryption']
		]);
	});

	it('refuses duplicate profiles and removing the default one', () => {
		const router = new SimRouter();
		expect(run(router, '/ip/hotspot/user/profile/add', '=name=default')).toEqual(
			trap('failure: already have profile with this name')
		);
		expect(run(router, '/ppp/profile/add', '=name=default')).toEqual(
			trap('failure: profile with the same name already exists')
		);
		expect(run(router, '/ppp/profile/remove', '=numbers=default')).toEqual(
			trap('failure: can not remove default profile')
		);
	});

	it('follows a profile rename in the users that use it', () => {
		const router = new SimRouter();
		run(
			router,
			'/ip/hotspot/user/profile/add',
			'=name=gold',
			'=shared-users=2',
			'=session-timeout=1d'
		);
		addUser(router, 'alice', '=profile=gold');
		run(router, '/ip/hotspot/user/profile/set', '=numbers=gold', '=name=platinum');
		expect(router.row('/ip/hotspot/user', 'alice')?.profile).toBe('platinum');
		expect(router.row('/ip/hotspot/user/profile', 'platinum')).toMatchObject({
			'shared-users': '2',
			'session-timeout': '1d'
		});
	});
});

describe('ppp', () => {
	it('keeps PPPoE secrets with RouterOS defaults and refusals', () => {
		const router = new SimRouter();
		run(
			router,
			'/ppp/profile/add',
			'=name=10M',
			'=rate-limit=5M/10M',
			'=local-address=10.10.0.1',
			'=remote-address=pppoe-pool'
		);
		expect(
			run(
				router,
				'/ppp/secret/add',
				'=name=wanjiku',
				'=password=s',
				'=profile=10M',
				'=service=pppoe'
			)[0]
		).toEqual(['!done', '=ret=*1']);
		expect(router.row('/ppp/secret', 'wanjiku')).toMatchObject({
			service: 'pppoe',
			profile: '10M',
			disabled: 'false'
		});
		expect(run(router, '/ppp/secret/add', '=name=wanjiku')).toEqual(
			trap('failure: secret with the same name already exists')
		);
		expect(run(router, '/ppp/secret/add', '=name=x', '=service=carrier-pigeon')).toEqual(
			trap('input does not match any value of service')
		);
		expect(run(new SimRouter(), '/ppp/secret/add', '=name=otieno')).toEqual([['!done', '=ret=*1']]);
		expect(new SimRouter().rows('/ppp/secret')).toEqual([]);
	});

	it('lists and disconnects active PPP sessions', () => {
		const router = new SimRouter();
		const id = router.addPppSession({ name: 'wanjiku', address: '10.10.0.7' });
		expect(run(router, '/ppp/active/print')).toEqual([
			[
				'!re',
				`=.id=${id}`,
				'=name=wanjiku',
				'=service=pppoe',
				expect.stringMatching(/^=caller-id=/),
				'=encoding=',
				'=address=10.10.0.7',
				expect.stringMatching(/^=session-id=/),
				'=limit-bytes-in=0',
				'=limit-bytes-out=0',
				'=radius=false',
				'=uptime=0s'
			],
			['!done']
		]);
		expect(run(router, '/ppp/active/remove', `=.id=${id}`)).toEqual([['!done']]);
		expect(router.rows('/ppp/active')).toEqual([]);
		expect(run(router, '/ppp/active/add', '=name=x')).toEqual([
			['!trap', '=message=no such command', '=category=0'],
			['!done']
		]);
	});
});

describe('hotspot login over the API', () => {
	function routerWithAlice(...extra: string[]): SimRouter {
		const router = new SimRouter();
		addUser(router, 'alice', ...extra);
		return router;
	}
	const login = (router: SimRouter, ...words: string[]) =>
		run(
			router,
			'/ip/hotspot/active/login',
			'=user=alice',
			'=ip=10.5.50.20',
			'=mac-address=02:00:00:00:00:20',
			...words
		);

	it('opens a session for the right password', () => {
		const router = routerWithAlice();
		expect(login(router, '=password=pw')).toEqual([['!done']]);
		expect(router.rows('/ip/hotspot/active')).toEqual([
			expect.objectContaining({
				user: 'alice',
				address: '10.5.50.20',
				'mac-address': '02:00:00:00:00:20',
				server: 'hotspot1',
				uptime: '0s'
			})
		]);
	});

	it('refuses a wrong password, an unknown user and a disabled user', () => {
		const router = routerWithAlice();
		expect(login(router, '=password=nope')).toEqual(trap('invalid username or password'));
		expect(
			run(router, '/ip/hotspot/active/login', '=user=zed', '=password=pw', '=ip=10.5.50.2')
		).toEqual(trap('invalid username or password'));
		run(router, '/ip/hotspot/user/disable', '=numbers=alice');
		expect(login(router, '=password=pw')).toEqual(trap('invalid username or password'));
		expect(router.rows('/ip/hotspot/active')).toEqual([]);
	});

	it('enforces shared-users and a bound MAC address', () => {
		const router = routerWithAlice('=mac-address=02:00:00:00:00:20');
		expect(login(router, '=password=pw')).toEqual([['!done']]);
		expect(login(router, '=password=pw')).toEqual(
			trap('no more sessions are allowed for user alice')
		);
		expect(
			run(
				router,
				'/ip/hotspot/active/login',
				'=user=alice',
				'=password=pw',
				'=ip=10.5.50.21',
				'=mac-address=02:00:00:00:00:21'
			)
		).toEqual(trap('user alice is not allowed to log in from this MAC address'));
	});

	it('counts uptime from the login', () => {
		let now = 1_700_000_000_000;
		const router = new SimRouter({ now: () => now });
		addUser(router, 'alice');
		login(router, '=password=pw');
		now += (26 * 3600 + 3 * 60 + 4) * 1000;
		expect(router.rows('/ip/hotspot/active')[0]?.uptime).toBe('1d2h3m4s');
		expect(router.rows('/system/resource')[0]?.uptime).toBe('1d2h3m4s');
	});
});

describe('print', () => {
	function routerWithUsers(): SimRouter {
		const router = new SimRouter();
		run(router, '/ip/hotspot/user/profile/add', '=name=gold');
		addUser(router, 'alice', '=profile=gold');
		addUser(router, 'bob', '=comment=vip');
		addUser(router, 'carol', '=profile=gold', '=disabled=yes');
		return router;
	}
	const names = (replies: string[][]) =>
		replies
			.filter((s) => s[0] === '!re')
			.map((s) => s.find((w) => w.startsWith('=name='))?.slice(6));

	it('limits properties to =.proplist=', () => {
		const router = routerWithUsers();
		expect(
			run(router, '/ip/hotspot/user/print', '=.proplist=name,.id,nothing', '?name=bob')
		).toEqual([['!re', '=name=bob', '=.id=*2'], ['!done']]);
	});

	it('filters with equality, presence, absence and comparisons', () => {
		const router = routerWithUsers();
		expect(names(run(router, '/ip/hotspot/user/print', '?profile=gold'))).toEqual([
			'alice',
			'carol'
		]);
		expect(names(run(router, '/ip/hotspot/user/print', '?comment'))).toEqual([
			'default-trial',
			'bob'
		]);
		expect(names(run(router, '/ip/hotspot/user/print', '?-comment'))).toEqual(['alice', 'carol']);
		expect(names(run(router, '/ip/hotspot/user/print', '?>name=b'))).toEqual([
			'default-trial',
			'bob',
			'carol'
		]);
		expect(names(run(router, '/ip/hotspot/user/print', '?<name=b'))).toEqual(['alice']);
		expect(names(run(router, '/ip/hotspot/user/print', '?disabled=yes'))).toEqual(['carol']);
	});

	it('ANDs several query words by default', () => {
		const router = routerWithUsers();
		expect(
			names(run(router, '/ip/hotspot/user/print', '?profile=gold', '?disabled=false'))
		).toEqual(['alice']);
	});

	it('combines query words with the ?# stack operators', () => {
		const router = routerWithUsers();
		const query = (...words: string[]) => names(run(router, '/ip/hotspot/user/print', ...words));
		expect(query('?name=alice', '?name=bob', '?#|')).toEqual(['alice', 'bob']);
		expect(query('?name=alice', '?name=bob', '?#|!')).toEqual(['default-trial', 'carol']);
		expect(query('?profile=gold', '?disabled=true', '?#&')).toEqual(['carol']);
		expect(query('?profile=gold', '?#!')).toEqual(['default-trial', 'bob']);
		// Index 0 copies the bottom value: (gold) (alice) (gold) → gold & alice OR gold = gold.
		expect(query('?profile=gold', '?name=alice', '?#0&|')).toEqual(['alice', 'carol']);
		expect(query('?name=bob', '?#.|')).toEqual(['bob']);
		expect(run(router, '/ip/hotspot/user/print', '?#|')).toEqual([
			['!trap', '=message=invalid query', '=category=1'],
			['!done']
		]);
	});

	it('finds items by .id in a query', () => {
		const router = routerWithUsers();
		expect(names(run(router, '/ip/hotspot/user/print', '?.id=*2'))).toEqual(['bob']);
	});

	it('answers count-only with the number of matches', () => {
		expect(
			run(routerWithUsers(), '/ip/hotspot/user/print', '=count-only=', '?profile=gold')
		).toEqual([['!done', '=ret=2']]);
	});

	it('answers nothing but !done for no match, or !empty first in 7.18 mode', () => {
		const router = routerWithUsers();
		expect(run(router, '/ip/hotspot/user/print', '?name=zed')).toEqual([['!done']]);
		expect(router.execute(['/ip/hotspot/user/print', '?name=zed'], { emptyReplies: true })).toEqual(
			[['!empty'], ['!done']]
		);
	});

	it('treats getall as print', () => {
		expect(names(run(routerWithUsers(), '/ip/hotspot/user/getall', '?name=bob'))).toEqual(['bob']);
	});
});

describe('system menus', () => {
	it('prints and sets the identity', () => {
		const router = new SimRouter({ identity: 'Kibera-HQ' });
		expect(run(router, '/system/identity/print')).toEqual([['!re', '=name=Kibera-HQ'], ['!done']]);
		run(router, '/system/identity/set', '=name=Kibera-2');
		expect(router.identity).toBe('Kibera-2');
	});

	it('prints resources with version and board', () => {
		const router = new SimRouter({ version: '7.18.2 (stable)', resource: { 'cpu-load': '50' } });
		expect(run(router, '/system/resource/print', '=.proplist=version,board-name,cpu-load')).toEqual(
			[['!re', '=version=7.18.2 (stable)', '=board-name=hAP ac^2', '=cpu-load=50'], ['!done']]
		);
	});

	it('answers unknown commands and menus with category 0', () => {
		const router = new SimRouter();
		expect(run(router, '/system/resource/reboot')).toEqual([
			['!trap', '=message=no such command', '=category=0'],
			['!done']
		]);
		expect(run(router, '/ip/nothing/print')).toEqual([
			['!trap', '=message=no such command or directory (nothing)', '=category=0'],
			['!done']
		]);
		expect(run(router, '/interface/wireless/monitor')).toEqual([
			['!trap', '=message=no such command or directory (interface)', '=category=0'],
			['!done']
		]);
		expect(run(router, '/ip/service/add', '=name=x')).toEqual([
			['!trap', '=message=no such command', '=category=0'],
			['!done']
		]);
	});

	it('lets onboarding scripts manage services, walled garden and API users', () => {
		const router = new SimRouter();
		run(router, '/ip/service/set', '=numbers=api', '=address=10.0.0.0/8');
		run(router, '/ip/service/disable', '=numbers=telnet,ftp');
		expect(router.row('/ip/service', 'api')).toMatchObject({
			port: '8728',
			address: '10.0.0.0/8',
			disabled: 'false'
		});
		expect(router.row('/ip/service', 'telnet')?.disabled).toBe('true');

		expect(run(router, '/ip/hotspot/walled-garden/add', '=dst-host=pay.mtandao.co.ke')[0]).toEqual([
			'!done',
			'=ret=*1'
		]);
		expect(router.rows('/ip/hotspot/walled-garden')).toEqual([
			{
				'.id': '*1',
				action: 'allow',
				'dst-host': 'pay.mtandao.co.ke',
				hits: '0',
				dynamic: 'false',
				disabled: 'false'
			}
		]);

		run(router, '/user/group/add', '=name=billing', '=policy=read,write,api,!ftp');
		run(router, '/user/add', '=name=mtandao', '=group=billing', '=password=s3cret');
		expect(router.row('/user', 'mtandao')).toEqual({
			'.id': '*2',
			name: 'mtandao',
			group: 'billing',
			'inactivity-timeout': '10m',
			'inactivity-policy': 'none',
			expired: 'false',
			disabled: 'false'
		});
		expect(router.login('mtandao', 's3cret')).toBe(true);
		expect(router.login('mtandao', 'wrong')).toBe(false);
		expect(run(router, '/user/add', '=name=x', '=group=nope')).toEqual(
			trap('input does not match any value of group')
		);
	});

	it('refuses writes to a user whose group cannot write', () => {
		const router = new SimRouter({ users: [{ name: 'auditor', password: 'a', group: 'read' }] });
		expect(router.execute(['/ip/hotspot/user/add', '=name=x'], { user: 'auditor' })).toEqual(
			trap('not enough permissions (9)')
		);
		expect(router.execute(['/ip/hotspot/user/print'], { user: 'auditor' }).at(-1)).toEqual([
			'!done'
		]);
	});
});

describe('test helpers', () => {
	it('counts commands by path or pattern and logs them', () => {
		const router = new SimRouter();
		addUser(router, 'a');
		addUser(router, 'b');
		run(router, '/ip/hotspot/user/print');
		expect(router.commandCount()).toBe(3);
		expect(router.commandCount('/ip/hotspot/user/add')).toBe(2);
		expect(router.commandCount(/^\/ip\/hotspot\/user\//)).toBe(3);
		expect(router.commandLog[0]).toMatchObject({
			path: '/ip/hotspot/user/add',
			attributes: { name: 'a' }
		});
	});

	it('resets to a freshly started router', () => {
		const router = new SimRouter({ identity: 'HQ' });
		addUser(router, 'a');
		router.addHotspotSession({ user: 'a' });
		router.identity = 'changed';
		router.reset();
		expect(router.rows('/ip/hotspot/user').map((r) => r.name)).toEqual(['default-trial']);
		expect(router.rows('/ip/hotspot/active')).toEqual([]);
		expect(router.identity).toBe('HQ');
		expect(router.commandCount()).toBe(0);
		expect(addUser(router, 'b')).toBe('*1');
	});
});
