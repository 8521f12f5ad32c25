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
	const number = ipv4Number(value);
	if (number === undefined) throw new RouterError(Messages.invalidValue(field));
	return ipv4Text(number);
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

/** Whole numbers within RouterOS's range for the field, e.g. a port or a priority. */
export function integerIn(min: number, max: number): Normalizer {
	return (value, field) => {
		if (!/^\d+$/.test(value)) throw new RouterError(Messages.invalidValue(field));
		const number = Number(value);
		if (number < min || number > max) throw new RouterError(Messages.outOfRange(field, min, max));
		return String(number);
	};
}

/** A set of flags such as `login-by=http-chap,http-pap`; kept in the order given, repeats dropped. */
export function setOf(
	allowed: readonly string[],
	options: { negatable?: boolean } = {}
): Normalizer {
	return (value, field) => {
		const items = value === '' ? [] : value.split(',').map((item) => item.trim());
		for (const item of items) {
			const bare = options.negatable && item.startsWith('!') ? item.slice(1) : item;
			if (!allowed.includes(bare)) throw new RouterError(Messages.noMatchingValue(field));
		}
		return [...new Set(items)].join(',');
	};
}

/** A value from a fixed list, or a duration (`advertise-timeout=immediately|never|1m`). */
export function durationOr(...words: string[]): Normalizer {
	return (value, field) => (words.includes(value) ? value : normalizeDuration(value, field));
}

function ipv4Number(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
		return undefined;
	}
	return parts.reduce((total, part) => total * 256 + Number(part), 0);
}

function ipv4Text(number: number): string {
	return [24, 16, 8, 0].map((shift) => Math.floor(number / 2 ** shift) % 256).join('.');
}

/**
 * `10.0.0.0/24`, or a bare address meaning /32. RouterOS keeps the network part only and
 * prints a /32 as the bare address.
 */
export const normalizeIpPrefix: Normalizer = (value, field) => {
	const [address = '', length, ...rest] = value.split('/');
	const number = ipv4Number(address);
	const bits = length === undefined ? 32 : /^\d{1,2}$/.test(length) ? Number(length) : NaN;
	if (number === undefined || rest.length > 0 || !(bits >= 0 && bits <= 32)) {
		throw new RouterError(Messages.invalidValue(field));
	}
	if (bits === 32) return ipv4Text(number);
	const size = 2 ** (32 - bits);
	return `${ipv4Text(Math.floor(number / size) * size)}/${bits}`;
};

/** `10.0.0.1-10.0.0.9`: the first address must not be above the last. */
function ipRange(value: string, field: string): string | undefined {
	const [from = '', to, ...rest] = value.split('-');
	if (to === undefined || rest.length > 0) return undefined;
	const start = ipv4Number(from);
	const end = ipv4Number(to);
	if (start === undefined || end === undefined || start > end) {
		throw new RouterError(Messages.invalidValue(field));
	}
	return `${ipv4Text(start)}-${ipv4Text(end)}`;
}

/** Pool ranges: addresses, prefixes or `a-b` ranges, comma-separated. */
export const normalizeIpRanges: Normalizer = (value, field) =>
	value
		.split(',')
		.map((part) => ipRange(part.trim(), field) ?? normalizeIpPrefix(part.trim(), field))
		.join(',');

const HOST_NAME =
	/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** Firewall address lists take an address, a prefix, a range, or a DNS name resolved later. */
export const normalizeListAddress: Normalizer = (value, field) => {
	if (/^[\d./-]+$/.test(value)) return ipRange(value, field) ?? normalizeIpPrefix(value, field);
	if (HOST_NAME.test(value)) return value;
	throw new RouterError(Messages.invalidValue(field));
};

/** Comma-separated targets of a simple queue: prefixes or interface names. */
export const normalizeQueueTargets: Normalizer = (value, field) =>
	value
		.split(',')
		.map((part) => {
			const item = part.trim();
			if (/^[\d./]+$/.test(item)) {
				const prefix = normalizeIpPrefix(item, field);
				return prefix.includes('/') ? prefix : `${prefix}/32`;
			}
			if (item === '') throw new RouterError(Messages.invalidValue(field));
			return item;
		})
		.join(',');

const RATE_UNITS: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9 };

/** Bits per second, `10M` or `512k` or `2000000`; undefined when unreadable. */
function parseRate(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)([kmg])?$/i.exec(text);
	if (!match) return undefined;
	const [, amount, unit] = match;
	return Math.round(Number(amount) * (unit ? (RATE_UNITS[unit.toLowerCase()] as number) : 1));
}

/**
 * `upload/download` pairs of a simple queue (`max-limit=2M/5M`); one value sets both ways.
 * The API prints plain numbers: `2000000/5000000`.
 */
export const normalizeRatePair: Normalizer = (value, field) => {
	const parts = value.split('/');
	const rates = parts.map(parseRate);
	if (parts.length > 2 || rates.some((rate) => rate === undefined)) {
		throw new RouterError(Messages.invalidValue(field));
	}
	const [up, down = up] = rates as number[];
	return `${up}/${down}`;
};

/** `8s/8s` pairs (`burst-time`); one value sets both ways. */
export const normalizeDurationPair: Normalizer = (value, field) => {
	const parts = value.split('/');
	if (parts.length > 2) throw new RouterError(Messages.invalidValue(field));
	const [up = '', down = up] = parts.map((part) => normalizeDuration(part, field));
	return `${up}/${down}`;
};

/** `8/8` priority pairs of a simple queue, 1 (highest) to 8. */
export const normalizePriorityPair: Normalizer = (value, field) => {
	const parts = value.split('/').map((part) => integerIn(1, 8)(part, field));
	if (parts.length > 2) throw new RouterError(Messages.invalidValue(field));
	const [up = '', down = up] = parts;
	return `${up}/${down}`;
};

/**
 * A profile's rate limit, `rx[/tx] [burst-rx[/tx] [threshold-rx[/tx] [burst-time-rx[/tx]
 * [priority] [min-rx[/tx]]]]]`, from the router's side. RouterOS checks it and keeps the text.
 */
export const normalizeRateLimit: Normalizer = (value, field) => {
	const groups = value.trim().split(/\s+/);
	const valid =
		groups.length <= 6 &&
		groups.every((group, index) => {
			if (index === 4) return /^[1-8]$/.test(group);
			const halves = group.split('/');
			if (halves.length > 2 || halves.some((half) => half === '')) return false;
			return halves.every((half) =>
				index === 3 ? parseDuration(half) !== undefined : parseRate(half) !== undefined
			);
		});
	if (!valid) throw new RouterError(Messages.invalidValue(field));
	return value.trim();
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A date as RouterOS 7.10+ prints it, `2026-12-03`; the older `dec/03/2026` is accepted too. */
export const normalizeDate: Normalizer = (value, field) => {
	let parts: [number, number, number] | undefined;
	const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	const old = /^([a-z]{3})\/(\d{2})\/(\d{4})$/i.exec(value);
	if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
	else if (old)
		parts = [Number(old[3]), MONTHS.indexOf((old[1] as string).toLowerCase()) + 1, Number(old[2])];
	if (!parts) throw new RouterError(Messages.invalidValue(field));
	const [year, month, day] = parts;
	const date = new Date(Date.UTC(year, month - 1, day));
	if (month < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
		throw new RouterError(Messages.invalidValue(field));
	}
	return date.toISOString().slice(0, 10);
};

/** A time of day, `HH:MM:SS`, or `startup` for the scheduler. */
export const normalizeTimeOfDay: Normalizer = (value, field) => {
	if (value === 'startup') return value;
	const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
	if (!match || Number(match[1]) > 23 || Number(match[2]) > 59 || Number(match[3] ?? 0) > 59) {
		throw new RouterError(Messages.invalidValue(field));
	}
	const pad = (text: string | undefined) => (text ?? '0').padStart(2, '0');
	return `${pad(match[1])}:${pad(match[2])}:${pad(match[3])}`;
};

/** `*1a`, `*0001A` and `*1A` name the same item; RouterOS prints upper-case hex. */
export function normalizeId(reference: string): string | undefined {
	if (!/^\*[0-9a-f]+$/i.test(reference)) return undefined;
	return `*${parseInt(reference.slice(1), 16).toString(16).toUpperCase()}`;
}

export function formatId(sequence: number): string {
	return `*${sequence.toString(16).toUpperCase()}`;
}
