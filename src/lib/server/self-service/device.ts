/**
 * What MikroTik's login page tells the captive portal about the device: its MAC and IP on the
 * hotspot network and the hotspot's own login address. Anyone can type these into a query string,
 * so each is checked, and what does not fit is left out.
 */
export interface PortalDevice {
	mac: string | null;
	ip: string | null;
	/** `$(link-login-only)`: the hotspot's own login address, where the browser can post the password. */
	linkLoginOnly: string | null;
	/** `$(link-orig)`: where the customer was going. */
	linkOrig: string | null;
}

/** 02:00:5e:10:00:01, or with dashes, as RouterOS prints it: upper case with colons. */
export function normalizeMac(value: string | null | undefined): string | null {
	const v = value?.trim() ?? '';
	return /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(v) ? v.replaceAll('-', ':').toUpperCase() : null;
}

export function normalizeIpv4(value: string | null | undefined): string | null {
	const parts = (value?.trim() ?? '').split('.');
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
		return null;
	return parts.map(Number).join('.');
}

/** An http(s) address, or null: the page puts these in a form action and a link, so nothing else gets through. */
export function safeLink(value: string | null | undefined): string | null {
	const v = value?.trim() ?? '';
	if (!v || v.length > 2000 || !/^[\x21-\x7e]+$/.test(v)) return null;
	try {
		const url = new URL(v);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
	} catch {
		return null;
	}
}

/** Names a hotspot's own DNS name can have on its network and that no one can register on the internet. */
const LOCAL_NAME =
	/^(?:[a-z0-9-]+|.+\.(?:lan|local|localdomain|home\.arpa|internal|intranet|home|corp|private))$/;

/** 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), 169.254/16 and loopback: where a router's own page lives. */
function privateIpv4(host: string): boolean {
	const ip = normalizeIpv4(host);
	if (!ip) return false;
	const [a, b] = ip.split('.').map(Number) as [number, number];
	return (
		a === 10 ||
		a === 127 ||
		(a === 172 && b >= 16 && b <= 31) ||
		(a === 192 && b === 168) ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 169 && b === 254)
	);
}

/**
 * `$(link-login-only)`: the browser posts the hotspot password there, so only an address on the
 * hotspot's own network is taken: a private IP (MikroTik's 10.5.50.1, 192.168.88.1) or a local DNS
 * name (`hotspot.lan`). A link that sends the customer to the portal with a server on the internet
 * in its place would otherwise hand that server the password the customer has just paid for.
 */
export function hotspotLoginLink(value: string | null | undefined): string | null {
	const link = safeLink(value);
	if (!link) return null;
	const host = new URL(link).hostname.toLowerCase();
	return privateIpv4(host) || LOCAL_NAME.test(host) ? link : null;
}

/** The device from MikroTik's login-page variables (query string or form), anything malformed left out. */
export function portalDevice(read: (name: string) => string | null | undefined): PortalDevice {
	return {
		mac: normalizeMac(read('mac')),
		ip: normalizeIpv4(read('ip')),
		linkLoginOnly: hotspotLoginLink(read('link-login-only')),
		// Some login pages send the original address as `dst`.
		linkOrig: safeLink(read('link-orig')) ?? safeLink(read('dst'))
	};
}

/** As stored on the payment (jsonb): only the parts we know. */
export function deviceRecord(device: PortalDevice): Record<string, string> {
	const record: Record<string, string> = {};
	for (const [key, value] of Object.entries(device)) if (value) record[key] = value;
	return record;
}

export function deviceFromRecord(record: Record<string, string> | null | undefined): PortalDevice {
	return {
		mac: normalizeMac(record?.mac),
		ip: normalizeIpv4(record?.ip),
		linkLoginOnly: hotspotLoginLink(record?.linkLoginOnly),
		linkOrig: safeLink(record?.linkOrig)
	};
}
