/**
 * Where each kind of service lives on a MikroTik, and how RouterOS prints the values we compare.
 */
import type { RouterApi, RouterReply } from './client';

import type { ServiceKind } from '../../../vocabulary';

export type { ServiceKind };

export interface ServiceMenus {
	/** Subscribers: hotspot users or PPP secrets. */
	readonly users: string;
	readonly profiles: string;
	/** Live sessions, and the field naming whose session it is. */
	readonly active: string;
	readonly activeUserField: 'user' | 'name';
}

export const MENUS: Readonly<Record<ServiceKind, ServiceMenus>> = {
	hotspot: {
		users: '/ip/hotspot/user',
		profiles: '/ip/hotspot/user/profile',
		active: '/ip/hotspot/active',
		activeUserField: 'user'
	},
	pppoe: {
		users: '/ppp/secret',
		profiles: '/ppp/profile',
		active: '/ppp/active',
		activeUserField: 'name'
	}
};

/** Full prints of big tables take a while on a small router: give them more than a lookup. */
export const FULL_PRINT_TIMEOUT_MS = 120_000;

/** The one item with this name, or undefined (an empty print is `[]`, `!empty` or not). */
export async function findByName(
	api: RouterApi,
	menu: string,
	name: string,
	fields: readonly string[]
): Promise<RouterReply | undefined> {
	const [item] = await api.write(`${menu}/print`, [
		`=.proplist=.id,name,${fields.join(',')}`,
		`?name=${name}`
	]);
	return item;
}

/** RouterOS prints booleans as `true`/`false`; older versions and the CLI say `yes`/`no`. */
export function routerBoolean(value: string | undefined): boolean {
	return value === 'true' || value === 'yes';
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
	w: 604_800,
	d: 86_400,
	h: 3_600,
	m: 60,
	s: 1
};

/**
 * Seconds in a RouterOS duration: `1w2d3h4m5s`, `00:30:00`, `1d 02:00:00`, `3600`, `500ms`.
 * Null for `none`, empty or anything unreadable.
 */
export function routerDurationSeconds(value: string | undefined): number | null {
	const text = value?.trim() ?? '';
	if (text === '' || text === 'none') return null;
	if (/^\d+$/.test(text)) return Number(text);
	const clock = /^(?:(\d+)d\s*)?(\d+):(\d{1,2}):(\d{1,2})$/.exec(text);
	if (clock) {
		const [, days, hours, minutes, seconds] = clock;
		return (
			Number(days ?? 0) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds)
		);
	}
	if (!/^(\d+(ms|[wdhms]))+$/.test(text)) return null;
	let total = 0;
	for (const [, amount, unit] of text.matchAll(/(\d+)(ms|[wdhms])/g)) {
		total +=
			unit === 'ms'
				? Number(amount) / 1000
				: Number(amount) * (UNIT_SECONDS[unit as string] as number);
	}
	return total;
}

/**
 * node-routeros sends text as Windows-1252, and `?`, `=` and control characters mean things on
 * the wire or in the terminal: names we create on routers are plain printable ASCII.
 */
export function assertRouterName(value: string, what: string): void {
	if (!/^[\x21-\x7e]+$/.test(value) || value.includes('=')) {
		throw new TypeError(
			`${what} must be printable ASCII without spaces or "=": ${JSON.stringify(value)}`
		);
	}
}

/** Passwords may hold spaces and `=` (the value runs to the end of the word), not non-ASCII. */
export function assertRouterSecret(value: string, what: string): void {
	if (!/^[\x20-\x7e]*$/.test(value)) throw new TypeError(`${what} must be printable ASCII`);
}

/** Comments may hold anything we like, but the router shows Windows-1252: fold to ASCII. */
export function routerComment(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^\x20-\x7e]/g, '?');
}
