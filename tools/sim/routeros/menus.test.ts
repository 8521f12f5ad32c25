/**
 * What RouterOS 7 accepts, menu by menu, driven through node-routeros over TCP the way another
 * billing system's client would: every documented field and verb, real value types, and the
 * router's own refusals for bad values.
 */
import { readFileSync } from 'node:fs';
import { RouterOSAPI } from 'node-routeros';
import { afterEach, describe, expect, it } from 'vitest';
import { menuSpecs } from './menus';
import { startRouterSim, type RouterSim, type RouterSimOptions } from './server';

const sims: RouterSim[] = [];
const apis: RouterOSAPI[] = [];

async function connected(options: RouterSimOptions = {}): Promise<[RouterOSAPI, RouterSim]> {
	const sim = await startRouterSim(options);
	sims.push(sim);
	const api = new RouterOSAPI({ host: sim.host, port: sim.port, user: 'admin', password: '' });
	// node-routeros emits socket errors on the api object; unheard, they end the process.
	api.on('error', () => undefined);
	apis.push(api);
	await api.connect();
	return [api, sim];
}

afterEach(async () => {
	await Promise.all(apis.splice(0).map((api) => api.close().catch(() => undefined)));
	await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

/** A clock the test moves by hand. */
function fakeClock(start = Date.UTC(2026, 11, 3, 13, 45, 0)) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('what another client sends, refused before', () => {
	it('adds a hotspot user with email, address and routes', async () => {
		const [api, sim] = await connected();
		const [added] = await api.write('/ip/hotspot/user/add', [
			'=name=amina',
			'=password=7731',
			'=email=amina@example.co.ke',
			'=address=10.5.50.77',
			'=routes=192.168.88.0/24 10.5.50.77 1',
			'=limit-uptime=1d2h3m',
			'=limit-bytes-total=10M'
		]);
		expect(added?.ret).toBe('*1');
		expect(sim.router.row('/ip/hotspot/user', 'amina')).toMatchObject({
			email: 'amina@example.co.ke',
			address: '10.5.50.77',
			routes: '192.168.88.0/24 10.5.50.77 1',
			'limit-uptime': '1d2h3m',
			'limit-bytes-total': String(10 * 1024 * 1024)
		});
	});

	it('unsets a PPP secret field by .id and value-name', async () => {
		const [api, sim] = await connected();
		await api.write('/ppp/secret/add', [
			'=name=baraka',
			'=service=pppoe',
			'=remote-address=10.10.0.9',
			'=local-address=10.10.0.1'
		]);
		expect(await api.write('/ppp/secret/unset', ['=.id=*1', '=value-name=remote-address'])).toEqual(
			[]
		);
		const secret = sim.router.row('/ppp/secret', 'baraka');
		expect(secret).not.toHaveProperty('remote-address');
		expect(secret).toMatchObject({ 'local-address': '10.10.0.1', service: 'pppoe' });
	});

	it('sets on-up and on-down scripts on a PPP profile', async () => {
		const [api, sim] = await connected();
		await api.write('/ppp/profile/add', ['=name=home-10m', '=rate-limit=5M/10M']);
		await api.write('/ppp/profile/set', [
			'=numbers=home-10m',
			'=on-up=:log info "up $user"',
			'=on-down=:log info "down $user"'
		]);
		expect(sim.router.row('/ppp/profile', 'home-10m')).toMatchObject({
			'rate-limit': '5M/10M',
			'on-up': ':log info "up $user"',
			'on-down': ':log info "down $user"'
		});
	});
});

describe('generic verbs', () => {
	it('unsets back to the default, or to nothing when the field has none', async () => {
		const [api, sim] = await connected();
		await api.write('/ip/hotspot/user/profile/add', [
			'=name=daily',
			'=shared-users=3',
			'=session-timeout=1d'
		]);
		await api.write('/ip/hotspot/user/profile/unset', [
			'=numbers=daily',
			'=value-name=shared-users,session-timeout'
		]);
		const profile = sim.router.row('/ip/hotspot/user/profile', 'daily');
		expect(profile?.['shared-users']).toBe('1');
		expect(profile).not.toHaveProperty('session-timeout');

		await expect(
			api.write('/ip/hotspot/user/profile/unset', ['=numbers=daily', '=value-name=colour'])
		).rejects.toThrow('input does not match any value of value-name');
		await expect(
			api.write('/ip/hotspot/user/profile/unset', ['=numbers=daily', '=value-name=name'])
		).rejects.toThrow('input does not match any value of value-name');
		await expect(api.write('/ip/hotspot/user/profile/unset', ['=numbers=daily'])).rejects.toThrow(
			'missing value(s) of argument(s) value-name'
		);
	});

	it('disables and enables by id, by name and several at once', async () => {
		const [api, sim] = await connected();
		await api.write('/ppp/secret/add', ['=name=a']);
		await api.write('/ppp/secret/add', ['=name=b']);
		await api.write('/ppp/secret/disable', ['=numbers=*1,b']);
		expect(sim.router.rows('/ppp/secret').map((row) => row.disabled)).toEqual(['true', 'true']);
		await api.write('/ppp/secret/enable', ['=.id=*2']);
		expect(sim.router.row('/ppp/secret', 'b')?.disabled).toBe('false');
		await expect(api.write('/ppp/secret/enable', ['=.id=*9'])).rejects.toThrow('no such item');
	});

	it('reads one value with get, as PEAR2 and RouterOS 7 scripts do', async () => {
		const [api] = await connected({ identity: 'Kibera-HQ' });
		await api.write('/ppp/secret/add', [
			'=name=h',
			'=profile=default',
			'=remote-address=10.10.0.4'
		]);
		expect(await api.write('/ppp/secret/get', ['=number=h', '=value-name=remote-address'])).toEqual(
			[{ ret: '10.10.0.4' }]
		);
		expect(await api.write('/ppp/secret/get', ['=number=*1', '=value-name=comment'])).toEqual([
			{ ret: '' }
		]);
		expect(await api.write('/system/identity/get', ['=value-name=name'])).toEqual([
			{ ret: 'Kibera-HQ' }
		]);
		await expect(api.write('/ppp/secret/get', ['=number=h', '=value-name=colour'])).rejects.toThrow(
			'input does not match any value of value-name'
		);
	});

	it('sets a comment with the comment command', async () => {
		const [api, sim] = await connected();
		await api.write('/ip/hotspot/user/add', ['=name=c']);
		await api.write('/ip/hotspot/user/comment', ['=numbers=c', '=comment=paid till Friday']);
		expect(sim.router.row('/ip/hotspot/user', 'c')?.comment).toBe('paid till Friday');
	});

	it('prints with queries, the ?# operators and .proplist, and answers getall alike', async () => {
		const [api] = await connected();
		await api.write('/ip/hotspot/user/profile/add', ['=name=gold']);
		for (const [name, ...extra] of [
			['alice', '=profile=gold', '=limit-uptime=1h'],
			['bob', '=comment=vip', '=limit-uptime=2h'],
			['carol', '=profile=gold', '=disabled=yes']
		] as const) {
			await api.write('/ip/hotspot/user/add', [`=name=${name}`, ...extra]);
		}
		const names = async (...words: string[]) =>
			(await api.write('/ip/hotspot/user/print', ['=.proplist=name', ...words])).map(
				(row) => row.name
			);
		expect(await names('?profile=gold')).toEqual(['alice', 'carol']);
		expect(await names('?name=alice', '?name=bob', '?#|')).toEqual(['alice', 'bob']);
		expect(await names('?profile=gold', '?disabled=true', '?#&!')).toEqual([
			'default-trial',
			'alice',
			'bob'
		]);
		expect(await names('?-comment')).toEqual(['alice', 'carol']);
		expect(await names('?limit-uptime')).toEqual(['alice', 'bob']);
		expect(await names('?disabled=no', '?>name=a')).toEqual(['default-trial', 'alice', 'bob']);
		expect(
			await api.write('/ip/hotspot/user/getall', ['=.proplist=.id,name,profile', '?name=carol'])
		).toEqual([{ '.id': '*3', name: 'carol', profile: 'gold' }]);
		await expect(names('?#|')).rejects.toThrow('invalid query');
		// Query values are read with the property's type, as RouterOS does.
		expect(await names('?limit-uptime=01:00:00')).toEqual(['alice']);
		expect(await names('?limit-uptime=3600')).toEqual(['alice']);
		await api.write('/ip/hotspot/user/set', ['=numbers=bob', '=limit-bytes-total=2G']);
		expect(await names('?>limit-bytes-total=1G')).toEqual(['bob']);
	});
});

describe('values have RouterOS types', () => {
	it('prints durations, sizes, booleans, addresses and MACs in RouterOS form', async () => {
		const [api, sim] = await connected();
		await api.write('/ip/hotspot/user/add', [
			'=name=d',
			'=limit-uptime=01:30:00',
			'=limit-bytes-in=512k',
			'=mac-address=aa-bb-cc-dd-ee-0f',
			'=disabled=no'
		]);
		expect(sim.router.row('/ip/hotspot/user', 'd')).toMatchObject({
			'limit-uptime': '1h30m',
			'limit-bytes-in': '524288',
			'mac-address': 'AA:BB:CC:DD:EE:0F',
			disabled: 'false'
		});
		expect(
			await api.write('/ip/hotspot/user/print', [
				'=.proplist=name',
				'?mac-address=aa:bb:cc:dd:ee:0f'
			])
		).toEqual([{ name: 'd' }]);
		await api.write('/ip/hotspot/user/set', ['=numbers=d', '=disabled=true']);
		expect(sim.router.row('/ip/hotspot/user', 'd')?.disabled).toBe('true');
		await api.write('/ip/hotspot/user/set', ['=numbers=d', '=disabled=yes']);
		expect(sim.router.row('/ip/hotspot/user', 'd')?.disabled).toBe('true');
	});

	it('traps a bad value with the message RouterOS gives', async () => {
		const [api] = await connected();
		await api.write('/ip/hotspot/user/add', ['=name=e']);
		const refusals: [string, string[], string][] = [
			[
				'/ip/hotspot/user/add',
				['=name=e'],
				'failure: already have user with this name for this server'
			],
			[
				'/ip/hotspot/user/add',
				['=name=f', '=profile=platinum'],
				'input does not match any value of profile'
			],
			[
				'/ip/hotspot/user/add',
				['=name=f', '=limit-uptime=soon'],
				'invalid value for argument limit-uptime'
			],
			[
				'/ip/hotspot/user/add',
				['=name=f', '=limit-bytes-total=lots'],
				'invalid value for argument limit-bytes-total'
			],
			[
				'/ip/hotspot/user/add',
				['=name=f', '=mac-address=00:11:22'],
				'invalid value for argument mac-address'
			],
			[
				'/ip/hotspot/user/add',
				['=name=f', '=address=10.0.0.300'],
				'invalid value for argument address'
			],
			[
				'/ip/hotspot/user/add',
				['=name=f', '=disabled=maybe'],
				'input does not match any value of disabled'
			],
			['/ip/hotspot/user/add', ['=name=f', '=colour=red'], 'unknown parameter'],
			['/ip/hotspot/user/add', ['=name=f', '=uptime=1h'], 'unknown parameter'],
			['/ip/hotspot/user/set', ['=.id=*77', '=comment=x'], 'no such item'],
			['/ip/hotspot/user/remove', ['=numbers=nobody'], 'no such item'],
			[
				'/ppp/secret/add',
				['=name=g', '=service=pppoa'],
				'input does not match any value of service'
			],
			[
				'/ppp/profile/add',
				['=name=p', '=rate-limit=fast'],
				'invalid value for argument rate-limit'
			],
			[
				'/ppp/profile/add',
				['=name=p', '=only-one=sometimes'],
				'input does not match any value of only-one'
			],
			['/ip/service/set', ['=numbers=api', '=port=70000'], 'value of port out of range (1..65535)'],
			[
				'/ip/hotspot/profile/set',
				['=numbers=default', '=login-by=http-chap,magic'],
				'input does not match any value of login-by'
			],
			['/queue/simple/add', ['=name=q'], 'missing value(s) of argument(s) target']
		];
		for (const [command, words, message] of refusals) {
			await expect(api.write(command, words), `${command} ${words.join(' ')}`).rejects.toThrow(
				message
			);
		}
	});
});

describe('menus the next features need', () => {
	it('/queue/simple: names, targets and rate pairs as the API prints them', async () => {
		const [api, sim] = await connected();
		const [added] = await api.write('/queue/simple/add', [
			'=target=10.5.50.7',
			'=max-limit=2M/5M',
			'=limit-at=512k',
			'=burst-time=8s/8s',
			'=comment=acct 1001'
		]);
		expect(added?.ret).toBe('*1');
		await api.write('/queue/simple/add', ['=name=vip', '=target=10.5.50.0/24', '=priority=1']);
		const [queue] = await api.write('/queue/simple/print', ['?comment=acct 1001']);
		expect(queue).toMatchObject({
			name: 'queue1',
			target: '10.5.50.7/32',
			'max-limit': '2000000/5000000',
			'limit-at': '512000/512000',
			'burst-limit': '0/0',
			'burst-time': '8s/8s',
			parent: 'none',
			priority: '8/8',
			disabled: 'false',
			dynamic: 'false'
		});
		expect(sim.router.row('/queue/simple', 'vip')?.priority).toBe('1/1');
		await expect(
			api.write('/queue/simple/add', ['=name=vip', '=target=10.5.50.9'])
		).rejects.toThrow('failure: already have queue with such name');
		await expect(
			api.write('/queue/simple/add', ['=target=10.5.50.8', '=max-limit=fast'])
		).rejects.toThrow('invalid value for argument max-limit');
		await api.write('/queue/simple/move', ['=numbers=vip', '=destination=queue1']);
		expect(sim.router.rows('/queue/simple').map((row) => row.name)).toEqual(['vip', 'queue1']);
		await api.write('/queue/simple/remove', ['=numbers=queue1,vip']);
		expect(await api.write('/queue/simple/print')).toEqual([]);
	});

	it('/ip/firewall/address-list: one entry per list and address, timeouts run out', async () => {
		const clock = fakeClock();
		const [api, sim] = await connected({ now: clock.now });
		await api.write('/ip/firewall/address-list/add', ['=list=unpaid', '=address=10.5.50.7']);
		await api.write('/ip/firewall/address-list/add', ['=list=unpaid', '=address=10.5.51.9/24']);
		await api.write('/ip/firewall/address-list/add', [
			'=list=grace',
			'=address=10.5.50.7',
			'=timeout=1h'
		]);
		await expect(
			api.write('/ip/firewall/address-list/add', ['=list=unpaid', '=address=10.5.50.7'])
		).rejects.toThrow('failure: already have such entry');
		expect(
			await api.write('/ip/firewall/address-list/print', ['=.proplist=list,address,dynamic'])
		).toEqual([
			{ list: 'unpaid', address: '10.5.50.7', dynamic: 'false' },
			{ list: 'unpaid', address: '10.5.51.0/24', dynamic: 'false' },
			{ list: 'grace', address: '10.5.50.7', dynamic: 'true' }
		]);
		expect(sim.router.rows('/ip/firewall/address-list')[0]?.['creation-time']).toBe(
			'2026-12-03 13:45:00'
		);
		clock.advance(20 * 60_000);
		const [grace] = await api.write('/ip/firewall/address-list/print', ['?list=grace']);
		expect(grace?.timeout).toBe('40m');
		clock.advance(40 * 60_000);
		expect(await api.write('/ip/firewall/address-list/print', ['?list=grace'])).toEqual([]);
		await api.write('/ip/firewall/address-list/remove', ['=.id=*1']);
		expect(sim.router.rows('/ip/firewall/address-list')).toHaveLength(1);
	});

	it('/ip/hotspot/walled-garden and its ip menu: hosts and addresses allowed before login', async () => {
		const [api, sim] = await connected();
		await api.write('/ip/hotspot/walled-garden/add', [
			'=dst-host=*.safaricom.co.ke',
			'=dst-port=443',
			'=server=hotspot1'
		]);
		const [added] = await api.write('/ip/hotspot/walled-garden/add', [
			'=dst-host=pay.example.co.ke',
			'=place-before=*1'
		]);
		expect(sim.router.rows('/ip/hotspot/walled-garden').map((row) => row['dst-host'])).toEqual([
			'pay.example.co.ke',
			'*.safaricom.co.ke'
		]);
		await expect(
			api.write('/ip/hotspot/walled-garden/add', ['=dst-host=x', '=action=accept'])
		).rejects.toThrow('input does not match any value of action');
		await api.write('/ip/hotspot/walled-garden/ip/add', [
			'=dst-address=196.201.214.0/24',
			'=action=accept'
		]);
		expect(sim.router.rows('/ip/hotspot/walled-garden/ip')[0]).toMatchObject({
			'dst-address': '196.201.214.0/24',
			action: 'accept'
		});
		await api.write('/ip/hotspot/walled-garden/remove', [`=.id=${added?.ret}`]);
		expect(sim.router.rows('/ip/hotspot/walled-garden')).toHaveLength(1);
	});

	it('/ip/hotspot/ip-binding: devices that bypass or are blocked from the hotspot', async () => {
		const [api, sim] = await connected();
		await api.write('/ip/hotspot/ip-binding/add', [
			'=mac-address=02:00:00:00:00:01',
			'=type=bypassed',
			'=comment=office printer'
		]);
		await api.write('/ip/hotspot/ip-binding/add', ['=address=10.5.50.9', '=type=blocked']);
		expect(await api.write('/ip/hotspot/ip-binding/print', ['?type=bypassed'])).toEqual([
			expect.objectContaining({
				'.id': '*1',
				'mac-address': '02:00:00:00:00:01',
				server: 'all',
				type: 'bypassed'
			})
		]);
		await expect(
			api.write('/ip/hotspot/ip-binding/add', ['=address=10.5.50.10', '=type=free'])
		).rejects.toThrow('input does not match any value of type');
		await expect(
			api.write('/ip/hotspot/ip-binding/add', ['=address=10.5.50.10', '=server=hotspot9'])
		).rejects.toThrow('input does not match any value of server');
		await api.write('/ip/hotspot/ip-binding/remove', ['=.id=*1']);
		expect(sim.router.rows('/ip/hotspot/ip-binding').map((row) => row.type)).toEqual(['blocked']);
	});

	it('/system/scheduler: start, interval, policy and owner as RouterOS fills them in', async () => {
		const clock = fakeClock();
		const [api, sim] = await connected({ now: clock.now });
		await api.write('/system/scheduler/add', [
			'=name=expire-sweep',
			'=interval=1h',
			'=start-time=14:00',
			'=on-event=/ip hotspot active remove [find]'
		]);
		await api.write('/system/scheduler/add', ['=on-event=/log info x', '=start-date=dec/25/2026']);
		const [sweep, second] = await api.write('/system/scheduler/print');
		expect(sweep).toMatchObject({
			name: 'expire-sweep',
			'start-date': '2026-12-03',
			'start-time': '14:00:00',
			interval: '1h',
			owner: 'admin',
			policy: 'ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon',
			'run-count': '0',
			'next-run': '2026-12-03 14:00:00',
			disabled: 'false'
		});
		expect(second).toMatchObject({ name: 'schedule1', 'start-date': '2026-12-25' });
		clock.advance(2 * 3600_000);
		expect(sim.router.row('/system/scheduler', 'expire-sweep')?.['next-run']).toBe(
			'2026-12-03 16:00:00'
		);
		await expect(
			api.write('/system/scheduler/add', ['=name=bad', '=start-time=25:00'])
		).rejects.toThrow('invalid value for argument start-time');
		await expect(
			api.write('/system/scheduler/add', ['=name=bad', '=policy=read,dude'])
		).rejects.toThrow('input does not match any value of policy');
		await api.write('/system/scheduler/remove', ['=numbers=expire-sweep,schedule1']);
		expect(await api.write('/system/scheduler/print')).toEqual([]);
	});
});

describe('README', () => {
	it('lists every menu with its verbs and fields, as menus.ts has them', () => {
		const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
		for (const spec of menuSpecs) {
			const row = readme.split('\n').find((line) => line.startsWith(`| \`${spec.path}\` `));
			expect(row, spec.path).toBeDefined();
			const [, , verbs = '', fields = ''] = (row as string).split('|').map((cell) => cell.trim());
			expect(verbs.split(', '), spec.path).toEqual(expect.arrayContaining([...spec.verbs]));
			const listed = fields.split(', ').map((field) => field.replace(/\\\*$| \(.*\)$/, ''));
			const visible = Object.keys(spec.fields).filter((name) => !spec.fields[name]?.hidden);
			expect(listed, spec.path).toEqual(expect.arrayContaining(visible));
		}
	});
});
