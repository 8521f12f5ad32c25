/**
 * Packages on the router: a hotspot user profile or a PPP profile per package, carrying its
 * speed. RouterOS reads rate-limit "rx/tx" from the router's side, so "2M/5M" is 2M upload and
 * 5M download for the subscriber.
 */
import type { RouterApi } from './client';
import {
	FULL_PRINT_TIMEOUT_MS,
	MENUS,
	assertRouterName,
	assertRouterSecret,
	routerDurationSeconds,
	type ServiceKind
} from './menus';
import { upsertByName, wantField, wantText, type UpsertOutcome, type WantedField } from './upsert';

export type SharedUsers = number | 'unlimited';

export interface ProfileSpec {
	name: string;
	/** "upload/download" as the router sees it, e.g. "2M/5M"; "" for no limit. */
	rateLimit: string;
	/**
	 * Devices per login. Hotspot: `shared-users`. PPPoE has only `only-one`: 1 sets it to yes,
	 * anything more to no (so 2 on PPPoE means "not limited to one").
	 */
	sharedUsers?: SharedUsers;
	/** Seconds a session may last before the router ends it; 0 for no limit. */
	sessionTimeout?: number;
}

export interface RouterProfile {
	name: string;
	rateLimit: string;
	/** Null for a PPP profile that leaves `only-one` to the default profile. */
	sharedUsers: SharedUsers | null;
	/** Seconds; null when the profile sets none. */
	sessionTimeout: number | null;
}

export async function ensureProfile(
	api: RouterApi,
	kind: ServiceKind,
	spec: ProfileSpec
): Promise<UpsertOutcome> {
	assertRouterName(spec.name, 'profile name');
	assertRouterSecret(spec.rateLimit, 'rate limit');
	const wanted: WantedField[] = [wantText('rate-limit', spec.rateLimit)];
	if (spec.sharedUsers !== undefined) wanted.push(sharedUsersField(kind, spec.sharedUsers));
	if (spec.sessionTimeout !== undefined) wanted.push(sessionTimeoutField(spec.sessionTimeout));
	return upsertByName(api, MENUS[kind].profiles, spec.name, wanted);
}

export async function listProfiles(api: RouterApi, kind: ServiceKind): Promise<RouterProfile[]> {
	const sharing = kind === 'hotspot' ? 'shared-users' : 'only-one';
	const rows = await api.write(
		`${MENUS[kind].profiles}/print`,
		[`=.proplist=name,rate-limit,${sharing},session-timeout`],
		{
			timeoutMs: FULL_PRINT_TIMEOUT_MS
		}
	);
	return rows.map((row) => ({
		name: row.name ?? '',
		rateLimit: row['rate-limit'] ?? '',
		sharedUsers:
			kind === 'hotspot'
				? hotspotSharedUsers(row['shared-users'])
				: pppSharedUsers(row['only-one']),
		sessionTimeout: routerDurationSeconds(row['session-timeout']) || null
	}));
}

function sharedUsersField(kind: ServiceKind, sharedUsers: SharedUsers): WantedField {
	if (sharedUsers !== 'unlimited' && (!Number.isInteger(sharedUsers) || sharedUsers < 1)) {
		throw new RangeError(`shared users must be a whole number from 1, or 'unlimited'`);
	}
	if (kind === 'hotspot') return wantText('shared-users', String(sharedUsers), '1');
	return wantText('only-one', sharedUsers === 1 ? 'yes' : 'no', 'default');
}

function sessionTimeoutField(seconds: number): WantedField {
	if (!Number.isInteger(seconds) || seconds < 0)
		throw new RangeError('session timeout must be whole seconds');
	// Sent as seconds; the router prints its own form (3600 comes back as 1h): compare seconds.
	return wantField(
		'session-timeout',
		seconds === 0 ? '0s' : String(seconds),
		(current) => (routerDurationSeconds(current) ?? 0) === seconds,
		seconds === 0
	);
}

function hotspotSharedUsers(value: string | undefined): SharedUsers {
	if (value === 'unlimited') return value;
	const count = Number(value ?? '1');
	return Number.isInteger(count) && count > 0 ? count : 1;
}

function pppSharedUsers(onlyOne: string | undefined): SharedUsers | null {
	if (onlyOne === 'yes') return 1;
	if (onlyOne === 'no') return 'unlimited';
	return null;
}
