/**
 * Which Daraja a tenant's keys may be sent to. A tenant chooses Safaricom's sandbox or production;
 * any other base URL (a simulator, a proxy the operator runs) comes from server configuration:
 * MPESA_BASE_URLS, or the demo's own simulator in demo mode. Otherwise a tenant manager could aim
 * our server at the cloud metadata service or an internal port, and read the answer back.
 *
 * Entries in MPESA_BASE_URLS are origins (`https://daraja-proxy.example.net`); `*` as the port
 * allows every port of that host, for test runs whose simulators listen on random ports.
 */
import { config } from '../config';
import { DarajaError } from './errors';

export const DARAJA_BASE_URLS = {
	sandbox: 'https://sandbox.safaricom.co.ke',
	production: 'https://api.safaricom.co.ke'
} as const;

/** A tenant's M-Pesa settings point at a base URL this server may not call. */
export class DarajaBaseUrlRefused extends DarajaError {
	override readonly name = 'DarajaBaseUrlRefused';
	constructor() {
		super(
			'This Daraja base URL is not one this server may call (Safaricom sandbox, production or MPESA_BASE_URLS)'
		);
	}
}

interface AllowedOrigin {
	protocol: string;
	hostname: string;
	/** Undefined: any port. */
	port: string | undefined;
}

function parseAllowed(entry: string): AllowedOrigin {
	const anyPort = /:\*\/?$/.test(entry);
	let url: URL;
	try {
		url = new URL(anyPort ? entry.replace(/:\*\/?$/, '') : entry);
	} catch {
		throw new Error(
			`Invalid configuration: MPESA_BASE_URLS: "${entry}" is not a URL like https://daraja-proxy.example.net`
		);
	}
	if (
		!/^https?:$/.test(url.protocol) ||
		url.username ||
		url.password ||
		url.search ||
		url.hash ||
		(url.pathname !== '/' && url.pathname !== '')
	) {
		throw new Error(
			`Invalid configuration: MPESA_BASE_URLS: "${entry}" must be an http(s) origin without a path`
		);
	}
	return { protocol: url.protocol, hostname: url.hostname, port: anyPort ? undefined : url.port };
}

let cached: { source: string; demo: string | undefined; allowed: AllowedOrigin[] } | undefined;

/** The server's own base URLs besides Safaricom's: MPESA_BASE_URLS, and the simulator in demo mode. */
function allowedOrigins(): AllowedOrigin[] {
	const cfg = config();
	const demo = cfg.demo
		? (cfg.DEMO_MPESA_URL ?? `http://127.0.0.1:${cfg.DEMO_MPESA_PORT}`)
		: undefined;
	if (cached?.source !== cfg.MPESA_BASE_URLS || cached.demo !== demo) {
		const entries = cfg.MPESA_BASE_URLS.split(',')
			.map((e) => e.trim())
			.filter(Boolean);
		cached = {
			source: cfg.MPESA_BASE_URLS,
			demo,
			allowed: [...entries, ...(demo ? [demo] : [])].map(parseAllowed)
		};
	}
	return cached.allowed;
}

/** Whether a custom base URL is one the server configuration allows. */
export function customBaseUrlAllowed(baseUrl: string): boolean {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return false;
	}
	if (url.username || url.password || url.search || url.hash) return false;
	return allowedOrigins().some(
		(o) =>
			o.protocol === url.protocol &&
			o.hostname === url.hostname &&
			(o.port === undefined || o.port === url.port)
	);
}

/** Safaricom's own, or allowed by the server. */
export function baseUrlAllowed(baseUrl: string): boolean {
	const origin = (() => {
		try {
			return new URL(baseUrl).origin;
		} catch {
			return '';
		}
	})();
	return (
		origin === DARAJA_BASE_URLS.sandbox ||
		origin === DARAJA_BASE_URLS.production ||
		customBaseUrlAllowed(baseUrl)
	);
}

/** The base URLs a manager may type for "Custom address", to show beside the field. */
export function customBaseUrlChoices(): string[] {
	return allowedOrigins()
		.filter((o) => o.port !== undefined)
		.map((o) => `${o.protocol}//${o.hostname}${o.port ? `:${o.port}` : ''}`);
}
