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
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
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

/** The device from MikroTik's login-page variables (query string or form), anything malformed left out. */
export function portalDevice(read: (name: string) => string | null | undefined): PortalDevice {
	return {
		mac: normalizeMac(read('mac')),
		ip: normalizeIpv4(read('ip')),
		linkLoginOnly: safeLink(read('link-login-only')),
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
		linkLoginOnly: safeLink(record?.linkLoginOnly),
		linkOrig: safeLink(record?.linkOrig)
	};
}
