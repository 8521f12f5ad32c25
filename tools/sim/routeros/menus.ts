/**
 * The menus the simulated router has, described as data: fields with their RouterOS types and
 * defaults, references to other menus, and RouterOS's own refusals. Field lists follow MikroTik's
 * RouterOS 7 manual (help.mikrotik.com) for each menu; README.md has the coverage table.
 */
import type { FieldSpec, MenuSpec, Row } from './table';
import { LIST_VERBS } from './table';
import {
	durationOr,
	formatDuration,
	integerIn,
	normalizeBoolean,
	normalizeByteCount,
	normalizeDate,
	normalizeDuration,
	normalizeDurationPair,
	normalizeInteger,
	normalizeIpPrefix,
	normalizeIpRanges,
	normalizeIpv4,
	normalizeListAddress,
	normalizeMac,
	normalizeOptionalDuration,
	normalizePriorityPair,
	normalizeQueueTargets,
	normalizeRateLimit,
	normalizeRatePair,
	normalizeSharedUsers,
	normalizeTimeOfDay,
	oneOf,
	parseDuration,
	setOf
} from './values';

// ---- field kinds, so each menu below reads as a table ----

const text: FieldSpec = {};
/** Text RouterOS prints even when empty (`=on-up=`); `unset` empties it. */
const empty: FieldSpec = { default: '' };
const comment: FieldSpec = {};
const disabled: FieldSpec = { default: 'false', normalize: normalizeBoolean };
const counter: FieldSpec = { default: '0', readOnly: true };
const pairCounter: FieldSpec = { default: '0/0', readOnly: true };
const readOnly: FieldSpec = { readOnly: true };
const readOnlyFalse: FieldSpec = { default: 'false', readOnly: true };
const hidden: FieldSpec = { hidden: true };
const bool = (value: 'true' | 'false'): FieldSpec => ({
	default: value,
	normalize: normalizeBoolean
});
const duration = (value?: string): FieldSpec => ({ default: value, normalize: normalizeDuration });
const timeout = (value?: string): FieldSpec => ({
	default: value,
	normalize: normalizeOptionalDuration
});
const choice = (value: string | undefined, ...allowed: string[]): FieldSpec => ({
	default: value,
	normalize: oneOf(...allowed)
});
const yesNoDefault: FieldSpec = choice('default', 'default', 'yes', 'no');
const yesNoDefaultRequire: FieldSpec = choice('default', 'default', 'yes', 'no', 'require');
const ipv4: FieldSpec = { normalize: normalizeIpv4 };
const prefix: FieldSpec = { normalize: normalizeIpPrefix };
const mac: FieldSpec = { normalize: normalizeMac };
const bytes = (value?: string): FieldSpec => ({ default: value, normalize: normalizeByteCount });
const rateLimit: FieldSpec = { normalize: normalizeRateLimit };
const ratePair: FieldSpec = { default: '0/0', normalize: normalizeRatePair };
const reference = (menu: string, value?: string, ...alsoAllowed: string[]): FieldSpec => ({
	default: value,
	references: menu,
	alsoAllowed
});

/** Sessions carry when they started so that `uptime` grows while the test runs. */
function sessionUptime(row: Row, now: number): Row {
	const started = Number(row['started-at'] ?? now);
	return { uptime: formatDuration((now - started) / 1000) };
}

/** RouterOS 7.10+ prints moments as `2026-12-03 13:45:00` (the simulator's clock is UTC). */
export function formatMoment(ms: number): string {
	return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export const POLICIES = [
	'local',
	'telnet',
	'ssh',
	'ftp',
	'reboot',
	'read',
	'write',
	'policy',
	'test',
	'winbox',
	'password',
	'web',
	'sniff',
	'sensitive',
	'api',
	'romon',
	'rest-api'
] as const;

export const FULL_POLICY = POLICIES.join(',');

/** What a scheduler entry may do when the policy is left out. */
const SCHEDULER_POLICY = 'ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon';

const LOGIN_METHODS = ['mac', 'cookie', 'http-chap', 'http-pap', 'https', 'trial', 'mac-cookie'];

/** Lists whose order matters (the first match wins): they also take `move` and `place-before`. */
const ORDERED_VERBS = [...LIST_VERBS, 'move'] as const;

// ---- hotspot ----

const hotspotServer: MenuSpec = {
	path: '/ip/hotspot',
	verbs: ['add', 'set', 'unset', 'remove', 'print', 'enable', 'disable'],
	key: 'name',
	autoName: 'server',
	duplicateMessage: 'failure: already have server with this name',
	required: ['interface'],
	fields: {
		name: text,
		interface: text,
		'address-pool': { default: 'none' },
		profile: reference('/ip/hotspot/profile', 'default'),
		'idle-timeout': timeout('5m'),
		'keepalive-timeout': timeout('none'),
		'login-timeout': timeout('none'),
		'addresses-per-mac': { default: '2', normalize: normalizeSharedUsers },
		invalid: readOnlyFalse,
		HTTPS: readOnlyFalse,
		disabled
	},
	seed: [{ name: 'hotspot1', interface: 'bridge', 'address-pool': 'hs-pool-1', profile: 'hsprof1' }]
};

const hotspotProfile: MenuSpec = {
	path: '/ip/hotspot/profile',
	verbs: ['add', 'set', 'unset', 'remove', 'print'],
	key: 'name',
	duplicateMessage: 'failure: already have profile with this name',
	required: ['name'],
	builtinRemoveMessage: 'failure: can not remove default profile',
	fields: {
		name: text,
		'hotspot-address': { default: '0.0.0.0', normalize: normalizeIpv4 },
		'dns-name': empty,
		'html-directory': { default: 'flash/hotspot' },
		'html-directory-override': empty,
		'http-cookie-lifetime': duration('3d'),
		'http-proxy': { default: '0.0.0.0:0' },
		'https-redirect': bool('true'),
		'install-hotspot-queue': bool('false'),
		'login-by': { default: 'cookie,http-chap', normalize: setOf(LOGIN_METHODS) },
		'mac-auth-mode': choice('mac-as-username', 'mac-as-username', 'mac-as-username-and-password'),
		'mac-auth-password': { writeOnly: true },
		'nas-port-type': { default: 'wireless-802.11' },
		'radius-accounting': bool('true'),
		'radius-default-domain': empty,
		'radius-interim-update': { default: 'received', normalize: durationOr('received') },
		'radius-location-id': empty,
		'radius-location-name': empty,
		'radius-mac-format': choice(
			'XX:XX:XX:XX:XX:XX',
			'XX XX XX XX XX XX',
			'XX:XX:XX:XX:XX:XX',
			'XXXXXX-XXXXXX',
			'XXXXXXXXXXXX',
			'XX-XX-XX-XX-XX-XX',
			'XXXX:XXXX:XXXX',
			'XXXXXX:XXXXXX'
		),
		'rate-limit': rateLimit,
		'smtp-server': { default: '0.0.0.0', normalize: normalizeIpv4 },
		'split-user-domain': bool('false'),
		'ssl-certificate': { default: 'none' },
		'trial-uptime-limit': duration('30m'),
		'trial-uptime-reset': duration('1d'),
		'trial-user-profile': reference('/ip/hotspot/user/profile', 'default'),
		'use-radius': bool('false')
	},
	seed: [
		{ '.id': '*0', name: 'default' },
		{ name: 'hsprof1', 'hotspot-address': '10.5.50.1', 'dns-name': 'login.wifi' }
	]
};

const hotspotUser: MenuSpec = {
	path: '/ip/hotspot/user',
	verbs: [...LIST_VERBS, 'reset-counters'],
	key: 'name',
	duplicateMessage: 'failure: already have user with this name for this server',
	required: ['name'],
	counters: ['uptime', 'bytes-in', 'bytes-out', 'packets-in', 'packets-out'],
	fields: {
		server: reference('/ip/hotspot', 'all', 'all'),
		name: text,
		password: { default: '' },
		profile: reference('/ip/hotspot/user/profile', 'default'),
		address: ipv4,
		'mac-address': mac,
		email: text,
		routes: text,
		// RouterOS 7.21+: one-time passwords for the login page.
		'totp-secret': text,
		'otp-secret': text,
		'limit-uptime': duration(),
		'limit-bytes-in': bytes(),
		'limit-bytes-out': bytes(),
		'limit-bytes-total': bytes(),
		uptime: { default: '0s', readOnly: true },
		'bytes-in': counter,
		'bytes-out': counter,
		'packets-in': counter,
		'packets-out': counter,
		dynamic: readOnlyFalse,
		disabled,
		comment
	},
	// RouterOS keeps this entry for trial users on every hotspot; reconciliation must skip it.
	seed: [{ '.id': '*0', name: 'default-trial', comment: 'counters and limits for trial users' }]
};

const hotspotUserProfile: MenuSpec = {
	path: '/ip/hotspot/user/profile',
	verbs: ['add', 'set', 'unset', 'remove', 'print'],
	key: 'name',
	duplicateMessage: 'failure: already have profile with this name',
	required: ['name'],
	builtinRemoveMessage: 'failure: can not remove default profile',
	fields: {
		name: text,
		'address-list': empty,
		'address-pool': { default: 'none' },
		'add-mac-cookie': bool('true'),
		advertise: bool('false'),
		'advertise-interval': { default: '30m,10m' },
		'advertise-timeout': { default: '1m', normalize: durationOr('immediately', 'never') },
		'advertise-url': text,
		'idle-timeout': timeout('none'),
		'incoming-filter': text,
		'incoming-packet-mark': text,
		'insert-queue-before': text,
		'keepalive-timeout': timeout('2m'),
		'mac-cookie-timeout': duration('3d'),
		'on-login': text,
		'on-logout': text,
		'open-status-page': choice('always', 'always', 'http-login'),
		'outgoing-filter': text,
		'outgoing-packet-mark': text,
		'parent-queue': text,
		'queue-type': text,
		'rate-limit': rateLimit,
		'session-timeout': duration(),
		'shared-users': { default: '1', normalize: normalizeSharedUsers },
		'status-autorefresh': duration('1m'),
		'transparent-proxy': bool('false')
	},
	seed: [{ '.id': '*0', name: 'default' }]
};

const hotspotActive: MenuSpec = {
	path: '/ip/hotspot/active',
	verbs: ['remove', 'print', 'comment'],
	fields: {
		server: readOnly,
		user: readOnly,
		domain: readOnly,
		address: readOnly,
		'mac-address': readOnly,
		'login-by': readOnly,
		'idle-time': { default: '0s', readOnly: true },
		'bytes-in': counter,
		'bytes-out': counter,
		'packets-in': counter,
		'packets-out': counter,
		radius: readOnlyFalse,
		blocked: readOnlyFalse,
		comment,
		'started-at': hidden
	},
	computed: sessionUptime
};

const walledGarden: MenuSpec = {
	path: '/ip/hotspot/walled-garden',
	verbs: ORDERED_VERBS,
	fields: {
		action: choice('allow', 'allow', 'deny'),
		server: text,
		'dst-host': text,
		'dst-port': text,
		'dst-address': readOnly,
		path: text,
		method: text,
		'src-address': prefix,
		hits: counter,
		dynamic: readOnlyFalse,
		disabled,
		comment
	}
};

const walledGardenIp: MenuSpec = {
	path: '/ip/hotspot/walled-garden/ip',
	verbs: ORDERED_VERBS,
	fields: {
		action: choice('accept', 'accept', 'drop', 'reject'),
		server: text,
		'dst-address': prefix,
		'dst-address-list': text,
		'dst-host': text,
		'dst-port': text,
		protocol: text,
		'src-address': prefix,
		'src-address-list': text,
		invalid: readOnlyFalse,
		dynamic: readOnlyFalse,
		disabled,
		comment
	}
};

const ipBinding: MenuSpec = {
	path: '/ip/hotspot/ip-binding',
	verbs: ORDERED_VERBS,
	fields: {
		'mac-address': mac,
		address: prefix,
		'to-address': ipv4,
		server: reference('/ip/hotspot', 'all', 'all'),
		type: choice('regular', 'regular', 'bypassed', 'blocked'),
		bypassed: readOnlyFalse,
		blocked: readOnlyFalse,
		dynamic: readOnlyFalse,
		disabled,
		comment
	}
};

// ---- PPP ----

const pppSecret: MenuSpec = {
	path: '/ppp/secret',
	verbs: LIST_VERBS,
	key: 'name',
	duplicateMessage: 'failure: secret with the same name already exists',
	required: ['name'],
	fields: {
		name: text,
		password: { default: '' },
		service: choice('any', 'any', 'async', 'l2tp', 'ovpn', 'pppoe', 'pptp', 'sstp'),
		'caller-id': empty,
		profile: reference('/ppp/profile', 'default'),
		'local-address': ipv4,
		'remote-address': ipv4,
		'remote-ipv6-prefix': text,
		routes: text,
		'ipv6-routes': empty,
		'limit-bytes-in': bytes('0'),
		'limit-bytes-out': bytes('0'),
		'last-logged-out': readOnly,
		'last-caller-id': readOnly,
		'last-disconnect-reason': readOnly,
		disabled,
		comment
	}
};

/** PPP profiles take an address or the name of an `/ip/pool`. */
const addressOrPool: FieldSpec = {
	normalize: (value, field) => (/^[\d.]+$/.test(value) ? normalizeIpv4(value, field) : value)
};

const pppProfile: MenuSpec = {
	path: '/ppp/profile',
	verbs: ['add', 'set', 'unset', 'remove', 'print', 'comment'],
	key: 'name',
	duplicateMessage: 'failure: profile with the same name already exists',
	required: ['name'],
	builtinRemoveMessage: 'failure: can not remove default profile',
	fields: {
		name: text,
		'local-address': addressOrPool,
		'remote-address': addressOrPool,
		'remote-ipv6-prefix-pool': text,
		'dhcpv6-pd-pool': text,
		'dhcpv6-lease-time': duration(),
		'dhcpv6-use-radius': text,
		'remote-ipv6-prefix-reuse': text,
		bridge: text,
		'bridge-horizon': { normalize: integerIn(1, 429496729) },
		'bridge-learning': yesNoDefault,
		'bridge-path-cost': { normalize: integerIn(1, 200000000) },
		'bridge-port-priority': { normalize: integerIn(0, 240) },
		'bridge-port-trusted': yesNoDefault,
		'bridge-port-vid': { normalize: integerIn(1, 4094) },
		'incoming-filter': text,
		'outgoing-filter': text,
		'address-list': empty,
		'interface-list': text,
		'dns-server': text,
		'wins-server': text,
		'change-tcp-mss': yesNoDefault,
		'use-upnp': yesNoDefault,
		'use-mpls': yesNoDefaultRequire,
		'use-compression': yesNoDefault,
		'use-encryption': yesNoDefaultRequire,
		'use-ipv6': yesNoDefaultRequire,
		'session-timeout': duration(),
		'idle-timeout': duration(),
		'rate-limit': rateLimit,
		'only-one': yesNoDefault,
		'insert-queue-before': text,
		'parent-queue': text,
		'queue-type': text,
		'on-up': empty,
		'on-down': empty,
		comment
	},
	seed: [
		{ '.id': '*0', name: 'default', 'change-tcp-mss': 'yes' },
		{ '.id': '*FFFFFFFE', name: 'default-encryption', 'use-encryption': 'yes' }
	]
};

const pppActive: MenuSpec = {
	path: '/ppp/active',
	verbs: ['remove', 'print'],
	fields: {
		name: readOnly,
		service: readOnly,
		'caller-id': readOnly,
		encoding: { default: '', readOnly: true },
		address: readOnly,
		'session-id': readOnly,
		'limit-bytes-in': counter,
		'limit-bytes-out': counter,
		radius: readOnlyFalse,
		'started-at': hidden
	},
	computed: sessionUptime
};

// ---- queues, firewall, scheduler ----

const queueSimple: MenuSpec = {
	path: '/queue/simple',
	verbs: [...ORDERED_VERBS, 'reset-counters'],
	key: 'name',
	autoName: 'queue',
	duplicateMessage: 'failure: already have queue with such name',
	required: ['target'],
	counters: ['bytes', 'packets', 'dropped'],
	fields: {
		name: text,
		target: { normalize: normalizeQueueTargets },
		dst: text,
		parent: { default: 'none' },
		'packet-marks': empty,
		priority: { default: '8/8', normalize: normalizePriorityPair },
		queue: { default: 'default-small/default-small' },
		'limit-at': ratePair,
		'max-limit': ratePair,
		'burst-limit': ratePair,
		'burst-threshold': ratePair,
		'burst-time': { default: '0s/0s', normalize: normalizeDurationPair },
		'bucket-size': { default: '0.1/0.1' },
		'total-queue': { default: 'default-small' },
		'total-limit-at': { normalize: normalizeRatePair },
		'total-max-limit': { normalize: normalizeRatePair },
		'total-burst-limit': { normalize: normalizeRatePair },
		'total-burst-threshold': { normalize: normalizeRatePair },
		'total-burst-time': duration(),
		'total-priority': { normalize: integerIn(1, 8) },
		'total-bucket-size': text,
		time: text,
		rate: pairCounter,
		'packet-rate': pairCounter,
		bytes: pairCounter,
		packets: pairCounter,
		dropped: pairCounter,
		'queued-bytes': pairCounter,
		'queued-packets': pairCounter,
		invalid: readOnlyFalse,
		dynamic: readOnlyFalse,
		disabled,
		comment
	}
};

const addressList: MenuSpec = {
	path: '/ip/firewall/address-list',
	verbs: LIST_VERBS,
	required: ['list', 'address'],
	unique: { fields: ['list', 'address'], message: 'failure: already have such entry' },
	dynamicDefaults: (now) => ({ 'creation-time': formatMoment(now), 'created-at': String(now) }),
	// An entry added with a timeout is dynamic and goes away by itself (a reboot drops it too).
	expiresAt: (row) => {
		const seconds = row.timeout === undefined ? undefined : parseDuration(row.timeout);
		return seconds ? Number(row['created-at']) + seconds * 1000 : undefined;
	},
	computed: (row, now): Row => {
		const seconds = row.timeout === undefined ? undefined : parseDuration(row.timeout);
		if (!seconds) return {};
		const left = Number(row['created-at']) + seconds * 1000 - now;
		return { timeout: formatDuration(Math.ceil(left / 1000)), dynamic: 'true' };
	},
	fields: {
		list: text,
		address: { normalize: normalizeListAddress },
		timeout: duration(),
		// 7.15+: an entry may be made dynamic (gone at reboot) without a timeout.
		dynamic: bool('false'),
		'creation-time': readOnly,
		'created-at': hidden,
		disabled,
		comment
	}
};

/** The next time an entry runs, or nothing for `startup` and one-off entries already past. */
function nextRun(row: Row, now: number): Row {
	if (row['start-time'] === 'startup' || !row['start-date'] || !row['start-time']) return {};
	const start = Date.parse(`${row['start-date']}T${row['start-time']}Z`);
	const interval = (parseDuration(row.interval ?? '0s') ?? 0) * 1000;
	if (start > now) return { 'next-run': formatMoment(start) };
	if (interval === 0) return {};
	const runs = Math.floor((now - start) / interval) + 1;
	return { 'next-run': formatMoment(start + runs * interval) };
}

const scheduler: MenuSpec = {
	path: '/system/scheduler',
	verbs: LIST_VERBS,
	key: 'name',
	autoName: 'schedule',
	duplicateMessage: 'failure: item with such name already exists',
	dynamicDefaults: (now, user) => {
		const moment = formatMoment(now);
		return {
			'start-date': moment.slice(0, 10),
			'start-time': moment.slice(11),
			owner: user ?? 'admin'
		};
	},
	computed: nextRun,
	fields: {
		name: text,
		'start-date': { normalize: normalizeDate },
		'start-time': { normalize: normalizeTimeOfDay },
		interval: duration('0s'),
		'on-event': empty,
		policy: { default: SCHEDULER_POLICY, normalize: setOf(POLICIES) },
		owner: readOnly,
		'run-count': counter,
		disabled,
		comment
	}
};

// ---- the router's own configuration ----

const ipPool: MenuSpec = {
	path: '/ip/pool',
	verbs: ['add', 'set', 'unset', 'remove', 'print', 'comment'],
	key: 'name',
	autoName: 'pool',
	duplicateMessage: 'failure: pool with such name exists',
	required: ['ranges'],
	fields: {
		name: text,
		ranges: { normalize: normalizeIpRanges },
		'next-pool': { default: 'none' },
		comment
	},
	seed: [{ name: 'hs-pool-1', ranges: '10.5.50.2-10.5.50.254' }]
};

const routerUsers: MenuSpec = {
	path: '/user',
	verbs: LIST_VERBS,
	key: 'name',
	duplicateMessage: 'failure: user with the same name already exists',
	required: ['name', 'group'],
	fields: {
		name: text,
		group: reference('/user/group'),
		password: { default: '', writeOnly: true },
		address: text,
		'inactivity-timeout': timeout('10m'),
		'inactivity-policy': choice('none', 'none', 'lockscreen', 'logout'),
		'last-logged-in': readOnly,
		expired: readOnlyFalse,
		disabled,
		comment
	}
};

const routerGroups: MenuSpec = {
	path: '/user/group',
	verbs: ['add', 'set', 'unset', 'remove', 'print', 'comment'],
	key: 'name',
	duplicateMessage: 'failure: group with the same name already exists',
	required: ['name', 'policy'],
	builtinRemoveMessage: 'failure: can not remove builtin group',
	fields: {
		name: text,
		policy: { normalize: setOf(POLICIES, { negatable: true }) },
		skin: { default: 'default' },
		comment
	},
	seed: [
		{
			name: 'read',
			policy:
				'local,telnet,ssh,reboot,read,test,winbox,password,web,sniff,sensitive,api,romon,rest-api,!ftp,!write,!policy'
		},
		{
			name: 'write',
			policy:
				'local,telnet,ssh,reboot,read,write,test,winbox,password,web,sniff,api,romon,rest-api,!ftp,!policy,!sensitive'
		},
		{ name: 'full', policy: FULL_POLICY }
	]
};

const ipServices: MenuSpec = {
	path: '/ip/service',
	verbs: ['set', 'unset', 'print', 'enable', 'disable'],
	key: 'name',
	fields: {
		name: readOnly,
		port: { normalize: integerIn(1, 65535) },
		address: text,
		certificate: text,
		'tls-version': text,
		vrf: { default: 'main' },
		'max-sessions': { default: '20', normalize: normalizeInteger },
		disabled,
		invalid: readOnlyFalse
	},
	seed: [
		{ name: 'telnet', port: '23' },
		{ name: 'ftp', port: '21' },
		{ name: 'www', port: '80' },
		{ name: 'ssh', port: '22' },
		{ name: 'www-ssl', port: '443', certificate: 'none', disabled: 'true' },
		{ name: 'api', port: '8728' },
		{ name: 'winbox', port: '8291' },
		{ name: 'api-ssl', port: '8729', certificate: 'none' }
	]
};

export const menuSpecs: readonly MenuSpec[] = [
	hotspotServer,
	hotspotProfile,
	hotspotUser,
	hotspotUserProfile,
	hotspotActive,
	walledGarden,
	walledGardenIp,
	ipBinding,
	ipPool,
	pppSecret,
	pppProfile,
	pppActive,
	queueSimple,
	addressList,
	scheduler,
	routerUsers,
	routerGroups,
	ipServices
];

/** Whether a `/user/group` policy list grants a right (`!write` withdraws it). */
export function policyAllows(policy: string, right: string): boolean {
	return policy.split(',').some((entry) => entry.trim() === right);
}
