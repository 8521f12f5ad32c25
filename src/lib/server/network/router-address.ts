/**
 * Where this server may open a connection on a tenant's behalf. A router's host and port are
 * typed by a tenant manager, so without these rules "Test connection" is a port scanner for our
 * own network: loopback services, the cloud's metadata endpoint, the database.
 *
 * - Never: unspecified (0.0.0.0, ::), link-local (169.254/16, fe80::/10), multicast, broadcast,
 *   reserved (240/4) and cloud-metadata addresses, in any spelling (IPv4-mapped IPv6, NAT64,
 *   decimal 2130706433, octal 0177.0.0.1, hex 0x7f.1).
 * - Private (10/8, 172.16/12, 192.168/16, fc00::/7) and carrier-grade NAT (100.64/10) only inside
 *   ROUTER_NETWORKS, the operator's VPN subnets. Loopback only in demo mode (its simulator) or
 *   when ROUTER_NETWORKS lists it.
 * - A name is resolved and every address it resolves to is checked; the connection then goes to
 *   the checked address, never to the name, and the socket's remote address is compared with it
 *   after connecting, so a name that resolves differently the second time (DNS rebinding) gets
 *   nowhere.
 * - Ports: the API's own (8728, 8729) and any unprivileged one (1024-65535); 1-1023 are other
 *   services (ssh, smtp, http, the router's web UI) and are refused.
 *
 *   const { address } = await resolveRouterAddress(host, port);   // RouterAddressRefused
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { config } from '../config';
import { inCidr, parseAddressList, type Cidr } from '../security/address-list';
import { ipBytes } from '../security/ip-bytes';
import { hasControlCharacters, withoutControlCharacters } from '../../text';

export type AddressRefusal =
	| 'loopback'
	| 'unspecified'
	| 'link-local'
	| 'multicast'
	| 'broadcast'
	| 'reserved'
	| 'metadata'
	| 'private'
	| 'port'
	| 'control'
	| 'shape'
	| 'unresolved'
	| 'rebound';

/** The router's address breaks the rules above: a manager must change it; retrying cannot help. */
export class RouterAddressRefused extends Error {
	override readonly name = 'RouterAddressRefused';
	constructor(
		readonly reason: AddressRefusal,
		message: string,
		readonly routerId?: string
	) {
		super(message);
	}
}

/** A tenant-supplied field with a control character (CR, LF, NUL, any C0, DEL) in it. */
export { hasControlCharacters };

export interface RouterNetworkPolicy {
	/** ROUTER_NETWORKS: where private, CGNAT (and, if listed, loopback) routers may be. */
	readonly networks: readonly Cidr[];
	/** Demo mode: its router simulator listens on loopback. */
	readonly allowLoopback: boolean;
}

/** The lookup used to resolve names; a test passes its own. */
export type HostLookup = (host: string) => Promise<readonly { address: string; family: number }[]>;

const systemLookup: HostLookup = (host) => dnsLookup(host, { all: true, verbatim: true });

let cachedPolicy: { source: string; demo: boolean; policy: RouterNetworkPolicy } | undefined;

/** The server's policy, from configuration (ROUTER_NETWORKS, the mode). */
export function routerNetworkPolicy(): RouterNetworkPolicy {
	const cfg = config();
	const source = cfg.ROUTER_NETWORKS;
	if (cachedPolicy?.source !== source || cachedPolicy.demo !== cfg.demo) {
		cachedPolicy = {
			source,
			demo: cfg.demo,
			policy: { networks: parseNetworks(source), allowLoopback: cfg.demo }
		};
	}
	return cachedPolicy.policy;
}

/** `10.8.0.0/16, fd12:3456::/48`: a comma list of CIDRs. Throws on a malformed entry. */
export function parseNetworks(list: string): Cidr[] {
	const { list: parsed, bad } = parseAddressList(list);
	if (bad.length > 0)
		throw new Error(
			`Invalid configuration: ROUTER_NETWORKS: "${bad[0]}" is not a CIDR like 10.8.0.0/16`
		);
	return parsed.networks.map((network) => {
		// An IPv4-mapped network is the IPv4 one.
		const v4 = network.bytes.length === 16 ? embeddedIpv4(network.bytes) : undefined;
		return v4 && network.bits >= 96 ? { ...network, bytes: v4, bits: network.bits - 96 } : network;
	});
}

const API_PORTS = new Set([8728, 8729]);

export function routerPortRefusal(port: number): string | undefined {
	if (!Number.isInteger(port) || port < 1 || port > 65535) return 'a port from 1024 to 65535';
	if (port < 1024 && !API_PORTS.has(port))
		return `port ${port} is reserved for other services; the API uses 8728 (api) or 8729 (api-ssl)`;
	return undefined;
}

/** Names that always mean the cloud's metadata service, whatever they resolve to here. */
const FORBIDDEN_NAMES =
	/^(?:metadata|metadata\.google\.internal|metadata\.goog|instance-data(?:\.ec2\.internal)?)$/;

/**
 * Checks one address (already an IP, in any spelling Node or inet_aton accepts) against the
 * policy. Returns why it is refused, or undefined when a router may be there.
 */
export function addressRefusal(
	ip: string,
	policy: RouterNetworkPolicy
): AddressRefusal | undefined {
	const parsed = ipBytes(ip) ?? legacyIpv4(ip);
	if (!parsed) return 'shape';
	const bytes = (parsed.length === 16 ? embeddedIpv4(parsed) : undefined) ?? parsed;
	const kind = bytes.length === 4 ? ipv4Kind(bytes) : ipv6Kind(bytes);
	if (kind === 'public') return undefined;
	const listed = policy.networks.some((network) => inCidr(bytes, network));
	if (kind === 'private') return listed ? undefined : 'private';
	if (kind === 'loopback') return listed || policy.allowLoopback ? undefined : 'loopback';
	return kind;
}

export interface CheckedAddress {
	/** The IP to connect to, in canonical form (IPv4 dotted, IPv6 as Node prints it). */
	readonly address: string;
	readonly family: 4 | 6;
}

export interface ResolveOptions {
	policy?: RouterNetworkPolicy;
	lookup?: HostLookup;
}

/**
 * The address a router connection may go to: the host checked, resolved if it is a name, and
 * every address it resolves to checked. Rejects with RouterAddressRefused.
 */
export async function resolveRouterAddress(
	host: string,
	port: number,
	options: ResolveOptions = {}
): Promise<CheckedAddress> {
	const policy = options.policy ?? routerNetworkPolicy();
	const name = normalizeHost(host);
	if (hasControlCharacters(host) || name === '')
		throw refused('control', host, 'the host contains control characters or is empty');
	const portProblem = routerPortRefusal(port);
	if (portProblem) throw refused('port', host, portProblem);

	const literal = literalAddress(name);
	if (literal === null) throw refused('shape', host, 'not a valid address');
	const candidates = literal
		? [literal]
		: await resolveName(name, host, options.lookup ?? systemLookup);
	for (const candidate of candidates) {
		const reason = addressRefusal(candidate.address, policy);
		if (reason)
			throw refused(reason, host, describe(reason, literal ? undefined : candidate.address));
	}
	return candidates[0]!;
}

/**
 * Save-time check (the router form): as resolveRouterAddress, but a name that does not resolve
 * today is accepted (the router may be off, or its DNS not set up yet); connecting checks again.
 */
export async function routerAddressProblem(
	host: string,
	port: number,
	options: ResolveOptions = {}
): Promise<RouterAddressRefused | undefined> {
	try {
		await resolveRouterAddress(host, port, options);
		return undefined;
	} catch (error) {
		if (error instanceof RouterAddressRefused)
			return error.reason === 'unresolved' ? undefined : error;
		throw error;
	}
}

/**
 * Connect time: the whole target, credentials included (a CR or LF in a password stored before
 * these rules would otherwise reach the socket), then the address. RouterAddressRefused.
 */
export async function checkRouterTarget(
	target: { id: string; host: string; port: number; user: string; password: string },
	options: ResolveOptions = {}
): Promise<CheckedAddress> {
	if (hasControlCharacters(target.user) || hasControlCharacters(target.password)) {
		throw new RouterAddressRefused(
			'control',
			`router ${target.id}: the user name or password contains control characters`,
			target.id
		);
	}
	try {
		return await resolveRouterAddress(target.host, target.port, options);
	} catch (error) {
		if (error instanceof RouterAddressRefused)
			throw new RouterAddressRefused(
				error.reason,
				`router ${target.id}: ${error.message}`,
				target.id
			);
		throw error;
	}
}

/** After connecting: the socket must be connected to the address that was checked. */
export function assertConnectedTo(
	remoteAddress: string | undefined,
	checked: CheckedAddress,
	host: string,
	routerId?: string
): void {
	const actual = remoteAddress ? ipBytes(remoteAddress) : undefined;
	const expected = ipBytes(checked.address);
	const same = (a: Uint8Array, b: Uint8Array) =>
		a.length === b.length && a.every((byte, i) => byte === b[i]);
	const unmap = (bytes: Uint8Array) =>
		(bytes.length === 16 ? embeddedIpv4(bytes) : undefined) ?? bytes;
	if (!actual || !expected || !same(unmap(actual), unmap(expected))) {
		const error = refused(
			'rebound',
			host,
			`connected to ${remoteAddress ?? 'an unknown address'}, not the checked ${checked.address}`
		);
		throw new RouterAddressRefused(error.reason, error.message, routerId);
	}
}

function refused(reason: AddressRefusal, host: string, detail: string): RouterAddressRefused {
	// The host is the manager's own input; strip control characters before it reaches a log line.
	const shown = withoutControlCharacters(host, '?').slice(0, 100);
	return new RouterAddressRefused(reason, `router address ${shown} refused: ${detail}`);
}

function describe(reason: AddressRefusal, resolvedTo?: string): string {
	const via = resolvedTo ? ` (resolves to ${resolvedTo})` : '';
	switch (reason) {
		case 'private':
			return `a private or carrier-grade NAT address outside ROUTER_NETWORKS${via}`;
		default:
			return `a ${reason} address${via}`;
	}
}

async function resolveName(
	name: string,
	host: string,
	lookup: HostLookup
): Promise<CheckedAddress[]> {
	if (FORBIDDEN_NAMES.test(name))
		throw refused('metadata', host, 'a name reserved for the cloud metadata service');
	let answers: readonly { address: string; family: number }[];
	try {
		answers = await lookup(name);
	} catch {
		answers = [];
	}
	const checked: CheckedAddress[] = [];
	for (const answer of answers) {
		const literal = literalAddress(answer.address.toLowerCase());
		if (!literal)
			throw refused('shape', host, 'the name resolved to something that is not an address');
		checked.push(literal);
	}
	if (checked.length === 0) throw refused('unresolved', host, 'the name does not resolve');
	// One address is connected to, not each in turn: IPv4 first, as most routers' API is.
	return checked.sort((a, b) => a.family - b.family);
}

/** `[::1]` → `::1`, trailing dot and zone id dropped, lower case. */
function normalizeHost(host: string): string {
	let name = host.trim().toLowerCase();
	if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
	return name.replace(/\.$/, '');
}

/**
 * The host as an address: undefined when it is a name to resolve, null when it looks numeric but
 * is not a valid address (e.g. 1.2.3.999).
 */
function literalAddress(name: string): CheckedAddress | null | undefined {
	const withoutZone = name.replace(/%.*$/, '');
	const family = isIP(withoutZone);
	if (family === 4) return { address: withoutZone, family: 4 };
	if (family === 6) {
		// fe80::1%eth0: a zone id only means anything for link-local, which is refused anyway.
		return { address: withoutZone, family: 6 };
	}
	if (name.includes(':')) return null;
	// Every label numeric (decimal, 0-prefixed octal or 0x hex): inet_aton would take it as IPv4.
	if (/^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}$/.test(name)) {
		const bytes = legacyIpv4(name);
		return bytes ? { address: bytes.join('.'), family: 4 } : null;
	}
	return undefined;
}

/** inet_aton: 1-4 parts, each decimal, octal (leading 0) or hex (0x); the last fills the rest. */
function legacyIpv4(text: string): Uint8Array | undefined {
	const parts = text.split('.');
	if (parts.length < 1 || parts.length > 4) return undefined;
	const values: number[] = [];
	for (const part of parts) {
		let value: number;
		if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
		else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
		else if (/^[1-9]\d*$/.test(part)) value = Number(part);
		else return undefined;
		if (!Number.isSafeInteger(value)) return undefined;
		values.push(value);
	}
	const last = values.pop()!;
	if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
	const out = new Uint8Array(4);
	values.forEach((v, i) => (out[i] = v));
	for (let i = 3, rest = last; i >= values.length; i--, rest = Math.floor(rest / 256))
		out[i] = rest % 256;
	return out;
}

/** The IPv4 address inside ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible) or 64:ff9b::/96 (NAT64). */
function embeddedIpv4(bytes: Uint8Array): Uint8Array | undefined {
	const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
	const mapped = zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff;
	const compatible = zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && bytes[15] === 1);
	const nat64 =
		bytes[0] === 0x00 &&
		bytes[1] === 0x64 &&
		bytes[2] === 0xff &&
		bytes[3] === 0x9b &&
		zeros(4, 12);
	return mapped || compatible || nat64 ? bytes.slice(12, 16) : undefined;
}

type Kind =
	| 'public'
	| 'private'
	| 'loopback'
	| Exclude<
			AddressRefusal,
			'private' | 'loopback' | 'port' | 'control' | 'shape' | 'unresolved' | 'rebound'
	  >;

function ipv4Kind([a = 0, b = 0, c = 0, d = 0]: Uint8Array): Kind {
	if (
		(a === 169 && b === 254 && c === 169 && d === 254) ||
		(a === 169 && b === 254 && c === 170 && d === 2) ||
		(a === 100 && b === 100 && c === 100 && d === 200)
	)
		return 'metadata';
	if (a === 0) return 'unspecified';
	if (a === 127) return 'loopback';
	if (a === 169 && b === 254) return 'link-local';
	if (a >= 224 && a <= 239) return 'multicast';
	if (a === 255 && b === 255 && c === 255 && d === 255) return 'broadcast';
	if (a >= 240) return 'reserved';
	if (
		a === 10 ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 198 && (b === 18 || b === 19))
	)
		return 'private';
	return 'public';
}

function ipv6Kind(bytes: Uint8Array): Kind {
	const [a = 0, b = 0] = bytes;
	if (bytes.every((x) => x === 0)) return 'unspecified';
	if (bytes.slice(0, 15).every((x) => x === 0) && bytes[15] === 1) return 'loopback';
	// fd00:ec2::254, AWS's IPv6 metadata endpoint.
	const awsMetadata = [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54];
	if (bytes.every((x, i) => x === awsMetadata[i])) return 'metadata';
	if (a === 0xfe && (b & 0xc0) === 0x80) return 'link-local';
	if (a === 0xff) return 'multicast';
	if ((a & 0xfe) === 0xfc || (a === 0xfe && (b & 0xc0) === 0xc0)) return 'private';
	// Discard-only (100::/64) and documentation ranges are not routers either.
	if (a === 0x01 && b === 0x00 && bytes.slice(2, 8).every((x) => x === 0)) return 'reserved';
	// 6to4 (2002::/16) and Teredo (2001::/32) tunnel to an IPv4 address hidden inside them (any of
	// the kinds refused above); no router is reached that way, so neither is allowed.
	if (a === 0x20 && b === 0x02) return 'reserved';
	if (a === 0x20 && b === 0x01 && bytes[2] === 0 && bytes[3] === 0) return 'reserved';
	return 'public';
}
