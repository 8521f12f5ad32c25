/**
 * Subscribers on the router: hotspot users or PPPoE secrets, named by the subscriber's stable
 * username, with our subscriber id in the comment.
 */
import type { RouterApi } from './client';
import {
	FULL_PRINT_TIMEOUT_MS,
	MENUS,
	assertRouterName,
	assertRouterSecret,
	findByName,
	routerBoolean,
	routerComment,
	type ServiceKind
} from './menus';
import { readEntryTag, taggedForAnother, taggedForAnotherTenant } from './entry-tags';
import { dropSessions } from './sessions';
import { upsertByName, wantField, wantText, type UpsertOutcome, type WantedField } from './upsert';

export interface UserSpec {
	name: string;
	password: string;
	profile: string;
	disabled: boolean;
	/** Folded to ASCII: the router shows Windows-1252. */
	comment: string;
	/** Hotspot only: which hotspot server the user may log in to; `all` by default. */
	server?: string;
	/** Hotspot only: bytes (both ways) before the router ends the session; 0 for no cap. */
	limitBytesTotal?: number;
}

export interface RouterUser {
	name: string;
	profile: string;
	disabled: boolean;
	comment: string;
}

export interface DisableOutcome {
	/** False when the router has no such user (enabling then needs ensureUser). */
	found: boolean;
	changed: boolean;
	sessionsDropped: number;
}

export interface RemoveOutcome {
	removed: boolean;
	sessionsDropped: number;
}

/** RouterOS keeps this hotspot entry for trial logins: never ours, never to reconcile away. */
const TRIAL_USER = 'default-trial';

/**
 * Makes the router's entry match `spec`. An entry of that name tagged for another tenant (two
 * ISPs on one MikroTik, account numbers that happen to match) is refused, never taken over.
 */
export async function ensureUser(
	api: RouterApi,
	kind: ServiceKind,
	spec: UserSpec
): Promise<UpsertOutcome> {
	const owner = readEntryTag(spec.comment)?.owner;
	return upsertByName(api, MENUS[kind].users, spec.name, userFields(kind, spec), {
		refuse: (current) =>
			owner && taggedForAnotherTenant(current.comment, owner.tenantId)
				? `the name ${spec.name} is already used on this router by another billing account`
				: undefined
	});
}

/** The fields ensureUser manages, checked up front (bulk callers check a whole batch first). */
export function userFields(kind: ServiceKind, spec: UserSpec): WantedField[] {
	assertRouterName(spec.name, 'user name');
	assertRouterName(spec.profile, 'profile name');
	assertRouterSecret(spec.password, 'password');
	const wanted: WantedField[] = [
		// A router whose API user lacks the `sensitive` policy does not print passwords: then we
		// cannot compare, and the password is set on every call (harmless, same value).
		wantField('password', spec.password, (current) => current === spec.password),
		wantText('profile', spec.profile, 'default'),
		wantField(
			'disabled',
			spec.disabled ? 'yes' : 'no',
			(current) => routerBoolean(current) === spec.disabled,
			!spec.disabled
		),
		wantText('comment', routerComment(spec.comment))
	];
	if (kind === 'pppoe') {
		if (spec.server !== undefined || spec.limitBytesTotal !== undefined) {
			throw new TypeError('server and limitBytesTotal apply to hotspot users only');
		}
		// `any` would also let the secret dial L2TP, PPTP or SSTP: pin it to what was sold.
		wanted.push(wantText('service', 'pppoe', 'any'));
		return wanted;
	}
	if (spec.server !== undefined) {
		assertRouterName(spec.server, 'hotspot server');
		wanted.push(wantText('server', spec.server, 'all'));
	}
	const cap = spec.limitBytesTotal;
	if (cap !== undefined) {
		if (!Number.isSafeInteger(cap) || cap < 0)
			throw new RangeError('limitBytesTotal must be whole bytes');
		wanted.push(
			wantField(
				'limit-bytes-total',
				String(cap),
				(current) => Number(current ?? 0) === cap,
				cap === 0
			)
		);
	}
	return wanted;
}

/**
 * Enables or disables a subscriber. Disabling does not end a session that is already up
 * (RouterOS only checks at login), so by default disabling also drops live sessions.
 */
export async function setUserDisabled(
	api: RouterApi,
	kind: ServiceKind,
	name: string,
	disabled: boolean,
	options: { dropSessions?: boolean } = {}
): Promise<DisableOutcome> {
	const menu = MENUS[kind].users;
	const current = await findByName(api, menu, name, ['disabled']);
	let changed = false;
	if (current && routerBoolean(current.disabled) !== disabled) {
		await api.write(`${menu}/set`, [
			`=.id=${current['.id']}`,
			`=disabled=${disabled ? 'yes' : 'no'}`
		]);
		changed = true;
	}
	// Dropped after the change, so a dropped device cannot log straight back in.
	const sessionsDropped =
		(options.dropSessions ?? disabled) ? await dropSessions(api, kind, name) : 0;
	return { found: current !== undefined, changed, sessionsDropped };
}

/**
 * Removes a subscriber and ends its sessions; removing one that is not there is a no-op. Given
 * the tenant, an entry of that name tagged for another tenant is left alone, sessions included;
 * given the router too, so is one tagged for another router record of the tenant (the same
 * MikroTik registered twice, and the subscriber moved from one record to the other).
 */
export async function removeUser(
	api: RouterApi,
	kind: ServiceKind,
	name: string,
	options: { tenantId?: string; routerId?: string } = {}
): Promise<RemoveOutcome> {
	const menu = MENUS[kind].users;
	const current = await findByName(api, menu, name, ['comment']);
	if (
		current &&
		options.tenantId &&
		taggedForAnother(current.comment, { tenantId: options.tenantId, routerId: options.routerId })
	) {
		return { removed: false, sessionsDropped: 0 };
	}
	if (current) await api.write(`${menu}/remove`, [`=.id=${current['.id']}`]);
	const sessionsDropped = await dropSessions(api, kind, name);
	return { removed: current !== undefined, sessionsDropped };
}

/** Every subscriber the router has, for reconciliation (the router's own entries left out). */
export async function listUsers(api: RouterApi, kind: ServiceKind): Promise<RouterUser[]> {
	const rows = await api.write(
		`${MENUS[kind].users}/print`,
		['=.proplist=name,profile,disabled,comment,dynamic'],
		{
			timeoutMs: FULL_PRINT_TIMEOUT_MS
		}
	);
	return rows
		.filter(
			(row) => !(kind === 'hotspot' && row.name === TRIAL_USER) && !routerBoolean(row.dynamic)
		)
		.map((row) => ({
			name: row.name ?? '',
			profile: row.profile ?? 'default',
			disabled: routerBoolean(row.disabled),
			comment: row.comment ?? ''
		}));
}
