/**
 * The menus the simulated router has, described as data: fields, defaults, references and
 * RouterOS's own refusals. Only what Mtandao provisions or reads is here.
 */
import type { FieldSpec, MenuSpec, Row } from './table';
import {
	formatDuration,
	normalizeAddressOrPool,
	normalizeBoolean,
	normalizeByteCount,
	normalizeDuration,
	normalizeInteger,
	normalizeIpv4,
	normalizeMac,
	normalizeOptionalDuration,
	normalizeSharedUsers,
	oneOf
} from './values';

const text: FieldSpec = {};
const disabled: FieldSpec = { default: 'false', normalize: normalizeBoolean };
const counter: FieldSpec = { default: '0', readOnly: true };
const startedAt: FieldSpec = { hidden: true };

/** Sessions carry when they started so that `uptime` grows while the test runs. */
function sessionUptime(row: Row, now: number): Row {
	const started = Number(row['started-at'] ?? now);
	return { uptime: formatDuration((now - started) / 1000) };
}

export const FULL_POLICY =
	'local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon,rest-api';

export const menuSpecs: readonly MenuSpec[] = [
	{
		path: '/ip/hotspot',
		verbs: ['add', 'set', 'remove', 'print', 'enable', 'disable'],
		key: 'name',
		duplicateMessage: 'failure: already have server with this name',
		required: ['name', 'interface'],
		fields: {
			name: text,
			interface: text,
			'address-pool': { default: 'none' },
			profile: { default: 'default', references: '/ip/hotspot/profile' },
			'idle-timeout': { default: '5m', normalize: normalizeOptionalDuration },
			'keepalive-timeout': { default: 'none', normalize: normalizeOptionalDuration },
			'addresses-per-mac': { default: '2' },
			disabled,
			comment: text
		},
		seed: [
			{ name: 'hotspot1', interface: 'bridge', 'address-pool': 'hs-pool-1', profile: 'hsprof1' }
		]
	},
	{
		path: '/ip/hotspot/profile',
		verbs: ['add', 'set', 'remove', 'print'],
		key: 'name',
		duplicateMessage: 'failure: already have profile with this name',
		required: ['name'],
		builtinRemoveMessage: 'failure: can not remove default profile',
		fields: {
			name: text,
			'hotspot-address': { normalize: normalizeIpv4 },
			'dns-name': text,
			'html-directory': { default: 'hotspot' },
			'login-by': { default: 'cookie,http-chap' },
			'http-cookie-lifetime': { default: '3d', normalize: normalizeDuration },
			'use-radius': { default: 'false', normalize: normalizeBoolean }
		},
		seed: [
			{ '.id': '*0', name: 'default' },
			{ name: 'hsprof1', 'hotspot-address': '10.5.50.1', 'dns-name': 'login.wifi' }
		]
	},
	{
		path: '/ip/hotspot/user',
		verbs: ['add', 'set', 'remove', 'print', 'enable', 'disable'],
		key: 'name',
		duplicateMessage: 'failure: already have user with this name for this server',
		required: ['name'],
		fields: {
			server: { default: 'all', references: '/ip/hotspot', alsoAllowed: ['all'] },
			name: text,
			password: { default: '' },
			profile: { default: 'default', references: '/ip/hotspot/user/profile' },
			'mac-address': { normalize: normalizeMac },
			'limit-uptime': { normalize: normalizeDuration },
			'limit-bytes-in': { normalize: normalizeByteCount },
			'limit-bytes-out': { normalize: normalizeByteCount },
			'limit-bytes-total': { normalize: normalizeByteCount },
			uptime: { default: '0s', readOnly: true },
			'bytes-in': counter,
			'bytes-out': counter,
			'packets-in': counter,
			'packets-out': counter,
			dynamic: { default: 'false', readOnly: true },
			disabled,
			comment: text
		},
		// RouterOS keeps this entry for trial users on every hotspot; reconciliation must skip it.
		seed: [{ '.id': '*0', name: 'default-trial', comment: 'counters and limits for trial users' }]
	},
	{
		path: '/ip/hotspot/user/profile',
		verbs: ['add', 'set', 'remove', 'print'],
		key: 'name',
		duplicateMessage: 'failure: already have profile with this name',
		required: ['name'],
		builtinRemoveMessage: 'failure: can not remove default profile',
		fields: {
			name: text,
			'address-pool': { default: 'none' },
			'idle-timeout': { default: 'none', normalize: normalizeOptionalDuration },
			'keepalive-timeout': { default: '2m', normalize: normalizeOptionalDuration },
			'session-timeout': { normalize: normalizeDuration },
			'status-autorefresh': { default: '1m', normalize: normalizeDuration },
			'shared-users': { default: '1', normalize: normalizeSharedUsers },
			'rate-limit': text,
			'add-mac-cookie': { default: 'true', normalize: normalizeBoolean },
			'mac-cookie-timeout': { default: '3d', normalize: normalizeDuration },
			'on-login': text,
			'on-logout': text,
			'parent-queue': text,
			comment: text
		},
		seed: [{ '.id': '*0', name: 'default' }]
	},
	{
		path: '/ip/hotspot/active',
		verbs: ['remove', 'print'],
		fields: {
			server: { readOnly: true },
			user: { readOnly: true },
			address: { readOnly: true },
			'mac-address': { readOnly: true },
			'login-by': { readOnly: true },
			'idle-time': { default: '0s', readOnly: true },
			'bytes-in': counter,
			'bytes-out': counter,
			'packets-in': counter,
			'packets-out': counter,
			radius: { default: 'false', readOnly: true },
			'started-at': startedAt
		},
		computed: sessionUptime
	},
	{
		path: '/ip/hotspot/walled-garden',
		verbs: ['add', 'set', 'remove', 'print', 'enable', 'disable'],
		fields: {
			action: { default: 'allow', normalize: oneOf('allow', 'deny') },
			server: text,
			'dst-host': text,
			'dst-port': text,
			path: text,
			method: text,
			'src-address': text,
			hits: counter,
			disabled,
			comment: text
		}
	},
	{
		path: '/ip/hotspot/walled-garden/ip',
		verbs: ['add', 'set', 'remove', 'print', 'enable', 'disable'],
		fields: {
			action: { default: 'accept', normalize: oneOf('accept', 'drop', 'reject') },
			server: text,
			'dst-address': text,
			'dst-host': text,
			'dst-port': text,
			protocol: text,
			'src-address': text,
			disabled,
			comment: text
		}
	},
	{
		path: '/ip/pool',
		verbs: ['add', 'set', 'remove', 'print'],
		key: 'name',
		duplicateMessage: 'failure: pool with such name exists',
		required: ['name', 'ranges'],
		fields: { name: text, ranges: text, 'next-pool': { default: 'none' }, comment: text },
		seed: [{ name: 'hs-pool-1', ranges: '10.5.50.2-10.5.50.254' }]
	},
	{
		path: '/ppp/secret',
		verbs: ['add', 'set', 'remove', 'print', 'enable', 'disable'],
		key: 'name',
		duplicateMessage: 'failure: secret with the same name already exists',
		required: ['name'],
		fields: {
			name: text,
			password: { default: '' },
			service: {
				default: 'any',
				normalize: oneOf('any', 'async', 'l2tp', 'ovpn', 'pppoe', 'pptp', 'sstp')
			},
			'caller-id': text,
			profile: { default: 'default', references: '/ppp/profile' },
			'local-address': { normalize: normalizeIpv4 },
			'remote-address': { normalize: normalizeIpv4 },
			routes: text,
			'limit-bytes-in': { normalize: normalizeByteCount },
			'limit-bytes-out': { normalize: normalizeByteCount },
			disabled,
			comment: text
		}
	},
	{
		path: '/ppp/profile',
		verbs: ['add', 'set', 'remove', 'print'],
		key: 'name',
		duplicateMessage: 'failure: profile with the same name already exists',
		required: ['name'],
		builtinRemoveMessage: 'failure: can not remove default profile',
		fields: {
			name: text,
			'local-address': { normalize: normalizeAddressOrPool },
			'remote-address': { normalize: normalizeAddressOrPool },
			'rate-limit': text,
			'dns-server': text,
			'session-timeout': { normalize: normalizeDuration },
			'idle-timeout': { normalize: normalizeDuration },
			'only-one': { default: 'default', normalize: oneOf('default', 'yes', 'no') },
			'use-encryption': {
				default: 'default',
				normalize: oneOf('default', 'yes', 'no', 'required')
			},
			comment: text
		},
		seed: [
			{ '.id': '*0', name: 'default' },
			{ '.id': '*FFFFFFFE', name: 'default-encryption', 'use-encryption': 'yes' }
		]
	},
	{
		path: '/ppp/active',
		verbs: ['remove', 'print'],
		fields: {
			name: { readOnly: true },
			service: { readOnly: true },
			'caller-id': { readOnly: true },
			encoding: { default: '', readOnly: true },
			address: { readOnly: true },
			'session-id': { readOnly: true },
			'limit-bytes-in': counter,
			'limit-bytes-out': counter,
			radius: { default: 'false', readOnly: true },
			'started-at': startedAt
		},
		computed: sessionUptime
	},
	{
		path: '/user',
		verbs: ['add', 'set', 'remove', 'print', 'enable', 'disable'],
		key: 'name',
		duplicateMessage: 'failure: user with the same name already exists',
		required: ['name', 'group'],
		fields: {
			name: text,
			group: { references: '/user/group' },
			password: { default: '', writeOnly: true },
			address: text,
			'last-logged-in': { readOnly: true },
			disabled,
			comment: text
		}
	},
	{
		path: '/user/group',
		verbs: ['add', 'set', 'remove', 'print'],
		key: 'name',
		duplicateMessage: 'failure: group with the same name already exists',
		required: ['name', 'policy'],
		builtinRemoveMessage: 'failure: can not remove builtin group',
		fields: { name: text, policy: text, skin: { default: 'default' }, comment: text },
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
	},
	{
		path: '/ip/service',
		verbs: ['set', 'print', 'enable', 'disable'],
		key: 'name',
		fields: {
			name: { readOnly: true },
			port: { normalize: normalizeInteger },
			address: text,
			certificate: text,
			disabled,
			invalid: { default: 'false', readOnly: true }
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
	}
];

/** Whether a `/user/group` policy list grants a right (`!write` withdraws it). */
export function policyAllows(policy: string, right: string): boolean {
	return policy.split(',').some((entry) => entry.trim() === right);
}
