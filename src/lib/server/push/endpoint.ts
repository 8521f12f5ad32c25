/**
 * What a browser may hand us as a push subscription. Our server POSTs to the endpoint it names
 * (DESIGN.md §11: a user makes our server connect where they say), so in production the endpoint
 * must be https on port 443 at a public address: never loopback, private, link-local or the cloud's
 * metadata service, checked when it is saved and again, resolved, each time a message is sent
 * (transport.ts). Outside production (the demo, tests) http and loopback are accepted, so a test's
 * local push service can receive; private ranges and metadata stay refused there too.
 */
import { z } from 'zod';
import { config, type Mode } from '../config';
import {
	RouterAddressRefused,
	resolveRouterAddress,
	type CheckedAddress,
	type HostLookup,
	type RouterNetworkPolicy
} from '../network/router-address';
import { NOTIFICATION_KINDS, type NotificationKind, type Role } from '../db/schema';

/** Longer than any push service's (FCM's are ~ 200 characters, Mozilla's ~ 300). */
export const MAX_ENDPOINT_CHARS = 1024;
/** The whole subscription as posted (endpoint, keys, kinds, label). */
export const MAX_SUBSCRIPTION_BYTES = 4096;

const base64url = (bytes: number) =>
	z
		.string()
		.max(200)
		.regex(/^[A-Za-z0-9_-]+={0,2}$/)
		.refine((text) => Buffer.from(text, 'base64url').length === bytes);

/** PushSubscription.toJSON() as the browser gives it, with the kinds chosen. */
export const subscriptionInput = z.object({
	endpoint: z.string().min(1).max(MAX_ENDPOINT_CHARS),
	keys: z.object({
		// An uncompressed P-256 point: 0x04, then x and y.
		p256dh: base64url(65).refine((text) => Buffer.from(text, 'base64url')[0] === 4),
		auth: base64url(16)
	}),
	kinds: z.array(z.enum(NOTIFICATION_KINDS)).max(NOTIFICATION_KINDS.length).default([])
});
export type SubscriptionInput = z.infer<typeof subscriptionInput>;

/** The kinds a role may receive: an agent hears of their own subscribers' payments. */
export function kindsFor(role: Role): NotificationKind[] {
	return role === 'agent' ? ['payment'] : role === 'tenant_admin' ? [...NOTIFICATION_KINDS] : [];
}

export type EndpointProblem = 'shape' | 'scheme' | 'port' | 'address' | 'unresolved';

export class EndpointRefused extends Error {
	override readonly name = 'EndpointRefused';
	constructor(
		readonly problem: EndpointProblem,
		detail: string
	) {
		super(`push endpoint refused: ${detail}`);
	}
}

/** Where push messages may go: only public addresses in production, loopback too elsewhere. */
export function endpointPolicy(mode: Mode = config().mode): RouterNetworkPolicy {
	return { networks: [], allowLoopback: mode !== 'production' };
}

export interface EndpointCheck {
	mode?: Mode;
	lookup?: HostLookup;
}

/**
 * The endpoint's URL and the address it may be reached at, or EndpointRefused. `resolve: false`
 * checks the shape and a literal address only (a name is resolved when sending).
 */
export async function checkEndpoint(
	endpoint: string,
	options: EndpointCheck = {}
): Promise<{ url: URL; address: CheckedAddress }> {
	const mode = options.mode ?? config().mode;
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw new EndpointRefused('shape', 'not a URL');
	}
	if (endpoint.length > MAX_ENDPOINT_CHARS || url.username || url.password || url.hash)
		throw new EndpointRefused('shape', 'credentials, a fragment or too long');
	const secure = url.protocol === 'https:';
	if (!secure && !(mode !== 'production' && url.protocol === 'http:'))
		throw new EndpointRefused('scheme', `${url.protocol} is not allowed`);
	const port = url.port ? Number(url.port) : secure ? 443 : 80;
	if (mode === 'production' && port !== 443)
		throw new EndpointRefused('port', `port ${port}; push services answer on 443`);
	try {
		// The router rules for addresses (loopback, private, link-local, metadata in every spelling,
		// names resolved and each answer checked); the port was checked above, so pass the API's.
		const address = await resolveRouterAddress(url.hostname, 8728, {
			policy: endpointPolicy(mode),
			lookup: options.lookup
		});
		return { url, address };
	} catch (error) {
		if (!(error instanceof RouterAddressRefused)) throw error;
		throw new EndpointRefused(
			error.reason === 'unresolved' ? 'unresolved' : 'address',
			`${url.hostname}: ${error.reason}`
		);
	}
}

/** "Chrome on Android" from a user agent, for the device list; never the whole header. */
export function deviceLabel(userAgent: string | null): string {
	const ua = userAgent ?? '';
	const browser = /Edg\//.test(ua)
		? 'Edge'
		: /SamsungBrowser/.test(ua)
			? 'Samsung Internet'
			: /OPR\/|Opera/.test(ua)
				? 'Opera'
				: /Firefox\//.test(ua)
					? 'Firefox'
					: /Chrome\//.test(ua)
						? 'Chrome'
						: /Safari\//.test(ua)
							? 'Safari'
							: 'Browser';
	const system = /Android/.test(ua)
		? 'Android'
		: /iPhone|iPad|iOS/.test(ua)
			? 'iOS'
			: /Windows/.test(ua)
				? 'Windows'
				: /Mac OS X|Macintosh/.test(ua)
					? 'macOS'
					: /Linux/.test(ua)
						? 'Linux'
						: '';
	return system ? `${browser} · ${system}` : browser;
}
