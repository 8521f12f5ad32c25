/**
 * Where M-Pesa callbacks may come from. MPESA_ALLOWED_IPS, the server's list of Safaricom's
 * addresses: the callback URL's token is the first guard, this the second, for when a token leaks
 * (a log, a proxy, a screenshot). A tenant may keep a list of its own as well. The client address
 * is SvelteKit's getClientAddress(): behind a proxy set adapter-node's ADDRESS_HEADER (and
 * XFF_DEPTH), or every callback seems to come from the proxy.
 */
import { config } from '../config';
import { parseAddressList, type AddressList } from './address-list';

let parsed: { text: string; list: AddressList } | undefined;

/** The configured list, or null when the setting is off (every address may call back). */
export function safaricomSources(): AddressList | null {
	const text = config().MPESA_ALLOWED_IPS?.trim();
	if (!text) return null;
	if (parsed?.text !== text) parsed = { text, list: parseAddressList(text).list };
	return parsed.list;
}

export function fromSafaricom(address: string | null): boolean {
	const list = safaricomSources();
	return list === null || list.has(address);
}

/** The start-up warning of a production server without the setting, or null. */
export function sourcesWarning(): string | null {
	if (config().mode !== 'production' || safaricomSources()) return null;
	return "Warning: MPESA_ALLOWED_IPS is not set, so M-Pesa callbacks are taken from any address (set Safaricom's addresses, and ADDRESS_HEADER behind a proxy).";
}

/** A tenant's own callback allowlist (addresses and prefixes); empty or unset lets every address in. */
export function allowedByTenant(allowlist: string[] | null, address: string | null): boolean {
	if (!allowlist || allowlist.length === 0) return true;
	return parseAddressList(allowlist.join(' ')).list.has(address);
}
