/**
 * Daraja speaks Kenyan wall-clock time (Africa/Nairobi, UTC+3 all year, no DST) as
 * `YYYYMMDDHHmmss`. A fixed offset is exact here and avoids depending on the host's tz data.
 */
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `YYYYMMDDHHmmss` in Nairobi time: the Timestamp field, and the one inside Password. */
export function darajaTimestamp(date: Date = new Date()): string {
	const nairobi = new Date(date.getTime() + NAIROBI_OFFSET_MS);
	return (
		pad(nairobi.getUTCFullYear(), 4) +
		pad(nairobi.getUTCMonth() + 1) +
		pad(nairobi.getUTCDate()) +
		pad(nairobi.getUTCHours()) +
		pad(nairobi.getUTCMinutes()) +
		pad(nairobi.getUTCSeconds())
	);
}

/** Reads a Daraja `YYYYMMDDHHmmss` (string or, in STK callbacks, a JSON number); null if not one. */
export function parseDarajaTimestamp(value: string | number): Date | null {
	const text = String(value).trim();
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
		number,
		number,
		number,
		number,
		number,
		number
	];
	const utcMs = Date.UTC(year, month - 1, day, hour, minute, second);
	const date = new Date(utcMs - NAIROBI_OFFSET_MS);
	// Reject 20241340…: Date.UTC would silently roll it over into another month.
	return darajaTimestamp(date) === text ? date : null;
}

/** base64(shortcode + passkey + timestamp), as Daraja wants the STK Password. */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
	return Buffer.from(`${shortcode}${passkey}${timestamp}`, 'utf8').toString('base64');
}
