/**
 * The script a manager pastes into a new router's terminal so Mtandao can manage it: a
 * restricted API account, the API service, the payment site in the walled garden and the
 * hotspot login set up for the captive portal.
 *
 * Pasting runs line by line and carries on after an error, so every step converges: an `add`
 * that fails because the item exists is followed by a `set` (or a remove-then-add) that puts
 * the same values back. Pasting it twice is harmless.
 */
import { assertRouterSecret } from './menus';

export interface OnboardingOptions {
	apiUser: string;
	apiPassword: string;
	/** Defaults to `mtandao-api`. */
	apiGroup?: string;
	/** The payment site's host name, e.g. pay.example.co.ke (no scheme, no path). */
	billingHost: string;
	/** The captive portal page, https://host/portal/<slug>. */
	portalUrl: string;
	/** Limit the walled-garden entries to one hotspot server; all servers by default. */
	hotspotServer?: string;
	/** 8728 (api) or 8729 (api-ssl); another port keeps plain api unless apiTls says otherwise. */
	apiPort: number;
	apiTls?: boolean;
	/** Where Mtandao connects from: an address or network (203.0.113.7 or 203.0.113.0/24), comma-separated. */
	allowedAddress?: string;
}

/**
 * What the API account may do: read and write configuration over the API, nothing else. Not
 * `policy` (it could not grant itself more), not `sensitive` (it never sees other secrets), no
 * interactive logins. Without `sensitive` the router hides subscriber passwords from prints,
 * so ensureUser re-sends them; that is the price of the smaller grant.
 */
export const API_POLICY =
	'read,write,api,!local,!telnet,!ssh,!ftp,!reboot,!policy,!test,!winbox,!password,!web,!sniff,!sensitive,!romon';

const MARK = 'mtandao: billing';

export function onboardingScript(options: OnboardingOptions): string {
	const o = validated(options);
	const service = o.apiTls ? 'api-ssl' : 'api';
	const from = o.allowedAddress ? ` address=${value(o.allowedAddress)}` : '';
	const server = o.hotspotServer ? ` server=${value(o.hotspotServer)}` : '';
	const hosts = [...new Set([o.billingHost, new URL(o.portalUrl).hostname])];

	const lines = [
		'# Mtandao: connect this router to billing.',
		'# Paste into a terminal on the router (Winbox: New Terminal) while logged in as a full admin.',
		'# It holds the password of the billing API account: do not share it.',
		'',
		'# 1. A group that may only read and write configuration through the API.',
		`/user group add name=${value(o.apiGroup)} policy=${API_POLICY} comment=${value(MARK)}`,
		`/user group set [find name=${value(o.apiGroup)}] policy=${API_POLICY}`,
		'',
		`# 2. The account Mtandao logs in as${o.allowedAddress ? `, accepted only from ${o.allowedAddress}` : ''}.`,
		`/user add name=${value(o.apiUser)} group=${value(o.apiGroup)} password=${value(o.apiPassword)}${from} comment=${value(MARK)}`,
		`/user set [find name=${value(o.apiUser)}] group=${value(o.apiGroup)} password=${value(o.apiPassword)}${from} disabled=no`,
		''
	];
	if (o.apiTls) {
		lines.push(
			'# 3. api-ssl needs a certificate: a self-signed one (signing takes a few seconds).',
			'/certificate add name=mtandao-api common-name=mtandao-api days-valid=3650 key-usage=digital-signature,key-encipherment,tls-server',
			'/certificate sign mtandao-api',
			`/ip service set [find name=api-ssl] certificate=mtandao-api`
		);
	} else {
		lines.push('# 3. The API service (plain: keep it reachable only from the billing server).');
	}
	lines.push(
		`/ip service set [find name=${service}] port=${o.apiPort} disabled=no${from}`,
		'',
		'# 4. Customers must reach the payment site before they have logged in.',
		'#    HTTP requests are matched by host name; HTTPS needs the IP-level entry as well.',
		`/ip hotspot walled-garden remove [find comment=${value(MARK)}]`,
		...hosts.map(
			(host) =>
				`/ip hotspot walled-garden add dst-host=${value(host)} action=allow${server} comment=${value(MARK)}`
		),
		`/ip hotspot walled-garden ip remove [find comment=${value(MARK)}]`,
		...hosts.map(
			(host) =>
				`/ip hotspot walled-garden ip add dst-host=${value(host)} action=accept${server} comment=${value(MARK)}`
		),
		'',
		'# 5. The hotspot login page. The portal logs customers in with the plain password after',
		'#    payment, so the hotspot must accept PAP as well as CHAP.',
		'/ip hotspot profile set [find] login-by=http-chap,http-pap',
		'#    Then, by hand: download login.html for this router from Mtandao and upload it in',
		'#    Winbox > Files into the hotspot folder, replacing login.html. It sends $(mac), $(ip)',
		`#    and $(link-login-only) to ${o.portalUrl}`,
		'#    The router cannot fetch it for you here: this script changes nothing in Files.',
		''
	);
	const script = lines.join('\n');
	// Pasted into a terminal that speaks Windows-1252 at best.
	if (!/^[\x20-\x7e\n]*$/.test(script))
		throw new TypeError('onboarding script must be plain ASCII');
	return script;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HOST =
	/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const IPV4 = String.raw`(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}`;
const ADDRESSES = new RegExp(
	String.raw`^${IPV4}(\/(3[0-2]|[12]?\d))?(,${IPV4}(\/(3[0-2]|[12]?\d))?)*$`
);

type Validated = Required<Omit<OnboardingOptions, 'hotspotServer' | 'allowedAddress'>> &
	Pick<OnboardingOptions, 'hotspotServer' | 'allowedAddress'>;

function validated(options: OnboardingOptions): Validated {
	const apiGroup = options.apiGroup ?? 'mtandao-api';
	for (const [what, name] of [
		['API user', options.apiUser],
		['API group', apiGroup],
		...(options.hotspotServer === undefined ? [] : [['hotspot server', options.hotspotServer]])
	] as const) {
		if (!NAME.test(name)) throw new TypeError(`${what} must be letters, digits, ".", "_" or "-"`);
	}
	assertRouterSecret(options.apiPassword, 'API password');
	if (options.apiPassword.length < 12)
		throw new TypeError('API password must be at least 12 characters');
	if (!HOST.test(options.billingHost))
		throw new TypeError('billing host must be a host name such as pay.example.co.ke');
	const portal = new URL(options.portalUrl);
	if (portal.protocol !== 'https:' && portal.protocol !== 'http:')
		throw new TypeError('portal URL must be http(s)');
	if (!/^[\x21-\x7e]+$/.test(options.portalUrl))
		throw new TypeError('portal URL must be plain ASCII');
	if (!Number.isInteger(options.apiPort) || options.apiPort < 1 || options.apiPort > 65_535) {
		throw new RangeError('API port must be 1-65535');
	}
	if (options.allowedAddress !== undefined && !ADDRESSES.test(options.allowedAddress)) {
		throw new TypeError('allowed address must be IPv4 addresses or networks, comma-separated');
	}
	return { ...options, apiGroup, apiTls: options.apiTls ?? options.apiPort === 8729 };
}

/** A value as the RouterOS console reads it: bare when safe, else quoted with \ escapes. */
export function value(text: string): string {
	if (/^[A-Za-z0-9._:/,!@%+-]+$/.test(text)) return text;
	return `"${text.replace(/[\\"$?]/g, (c) => `\\${c}`)}"`;
}
