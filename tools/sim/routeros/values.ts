/**
 * Value parsing the way RouterOS does it: the router stores a typed value and prints it in its
 * own canonical form, so `01:00:00` comes back as `1h` and `yes` as `true`.
 */
import { Messages, RouterError } from './errors';

export type Normalizer = (value: string, field: string) => string;

export const normalizeBoolean: Normalizer = (value, field) => {
	const lower = value.toLowerCase();
	if (lower === 'yes' || lower === 'true') return 'true';
	if (lower === 'no' || lower === 'false') return 'false';
	throw new RouterError(Messages.noMatchingValue(field));
};

export function oneOf(...allowed: string[]): Normalizer {
	return (value, field) => {
		if (allowed.includes(value)) return value;
		throw new RouterError(Messages.noMatchingValue(field));
	};
}

const UNIT_SECONDS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** Parses `1d2h`, `30m`, `01:30:00`, `1d 02:00:00` or bare seconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
	const value = text.trim();
	if (/^\d+$/.test(value)) return Number(value);
	const clock = /^(?:(\d+)d\s*)?(\d+):(\d{1,2}):(\d{1,2})$/.exec(value);
	if (clock) {
		const [, days, hours, minutes, seconds] = clock;
		return (
			Number(days ?? 0) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)
		);
	}
	if (!/^(\d+[wdhms])+$/.test(value)) return undefined;
	let total = 0;
	for (const [, amount, unit] of value.matchAll(/(\d+)([wdhms])/g)) {
		total += Number(amount) * (UNIT_SECONDS[unit as string] as number);
	}
	return total;
}

/** RouterOS prints durations as `1w2d3h4m5s`, leaving out zero parts, and `0s` for nothing. */
export function formatDuration(totalSeconds: number): string {
	let rest = Math.max(0, Math.floor(totalSeconds));
	if (rest === 0) return '0s';
	let text = '';
	for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
		const amount = Math.floor(rest / size);
		if (amount > 0) text += `${amount}${unit}`;
		rest %= size;
	}
	return text;
}

export const normalizeDuration: Normalizer = (value, field) => {
	const seconds = parseDuration(value);
	if (seconds === undefined) throw new RouterError(Messages.invalidValue(field));
	return formatDuration(seconds);
};

/** Timeouts that may also be switched off with `none`. */
export const normalizeOptionalDuration: Normalizer = (value, field) =>
	value === 'none' ? value : normalizeDuration(value, field);

export const normalizeMac: Normalizer = (value, field) => {
	if (!/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(value)) {
		throw new RouterError(Messages.invalidValue(field));
	}
	return value.replaceAll('-', ':').toUpperCase();
};

export const normalizeIpv4: Normalizer = (value, field) => {
	const parts = value.split('.');
	const valid =
		parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
	if (!valid) throw new RouterError(Messages.invalidValue(field));
	return parts.map(Number).join('.');
};

/** An address or the name of a pool: PPP profiles accept both. */
export const normalizeAddressOrPool: Normalizer = (value, field) =>
	/^[\d.]+$/.test(value) ? normalizeIpv4(value, field) : value;

const BYTE_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Byte counts such as `1073741824` or `1G`; printed as the plain number. */
export const normalizeByteCount: Normalizer = (value, field) => {
	const match = /^(\d+)([kmgt])?$/i.exec(value);
	if (!match) throw new RouterError(Messages.invalidValue(field));
	const [, amount, unit] = match;
	return String(Number(amount) * (unit ? (BYTE_UNITS[unit.toLowerCase()] as number) : 1));
};

export const normalizeInteger: Normalizer = (value, field) => {
	if (!/^\d+$/.test(value)) throw new RouterError(Messages.invalidValue(field));
	return String(Number(value));
};

export const normalizeSharedUsers: Normalizer = (value, field) =>
	value === 'unlimited' ? value : normalizeInteger(value, field);

/** `*1a`, `*0001A` and `*1A` name the same item; RouterOS prints upper-case hex. */
export function normalizeId(reference: string): string | undefined {
	if (!/^\*[0-9a-f]+$/i.test(reference)) return undefined;
	return `*${parseInt(reference.slice(1), 16).toString(16).toUpperCase()}`;
}

export function formatId(sequence: number): string {
	return `*${sequence.toString(16).toUpperCase()}`;
}
