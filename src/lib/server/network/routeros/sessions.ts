/**
 * Live sessions: ending them when a subscriber expires, and logging a paying customer in
 * without the captive portal form.
 */
import type { RouterApi } from './client';
import { RouterCommandFailed } from './errors';
import { MENUS, assertRouterSecret, type ServiceKind } from './menus';

/** Ends every live session of this subscriber; returns how many were ended. */
export async function dropSessions(
	api: RouterApi,
	kind: ServiceKind,
	name: string
): Promise<number> {
	const { active, activeUserField } = MENUS[kind];
	const sessions = await api.write(`${active}/print`, [
		'=.proplist=.id',
		`?${activeUserField}=${name}`
	]);
	const ids = sessions.map((session) => session['.id']).filter((id): id is string => Boolean(id));
	if (ids.length === 0) return 0;
	try {
		await api.write(`${active}/remove`, [`=.id=${ids.join(',')}`]);
		return ids.length;
	} catch (error) {
		if (!(error instanceof RouterCommandFailed)) throw error;
	}
	// One of them logged out between print and remove, and RouterOS then removes none: go one
	// by one, and a session already gone is fine.
	let dropped = 0;
	for (const id of ids) {
		try {
			await api.write(`${active}/remove`, [`=.id=${id}`]);
			dropped++;
		} catch (error) {
			if (!(error instanceof RouterCommandFailed)) throw error;
		}
	}
	return dropped;
}

export interface HotspotLogin {
	user: string;
	password: string;
	/** The device's address on the hotspot network, from the portal's `$(ip)`. */
	ip: string;
	/** From the portal's `$(mac)`. */
	mac: string;
}

/**
 * Lets a device through the hotspot as this user, as if it had submitted the login form.
 * Rejects with RouterCommandFailed carrying the hotspot's reason (wrong password, too many
 * sessions for the user, wrong MAC).
 */
export async function hotspotLogin(api: RouterApi, login: HotspotLogin): Promise<void> {
	assertRouterSecret(login.password, 'password');
	await api.write('/ip/hotspot/active/login', [
		`=user=${login.user}`,
		`=password=${login.password}`,
		`=ip=${login.ip}`,
		`=mac-address=${login.mac}`
	]);
}
