/**
 * `/ip/hotspot/active/login`: how the billing app lets a paying customer through without the
 * captive portal form. The checks mirror the hotspot's own (errors.txt wording).
 */
import type { ApiCommand } from './command';
import { Messages, RouterError } from './errors';
import type { Table } from './table';
import { normalizeIpv4, normalizeMac } from './values';
import type { Sentence, VerbContext } from './verbs';

export function hotspotLogin(command: ApiCommand, context: VerbContext): Sentence[] {
	const users = mustTable(context, '/ip/hotspot/user');
	const active = mustTable(context, '/ip/hotspot/active');
	const name = command.attributes.get('user');
	if (!name) throw new RouterError(Messages.missingArgument('user'));
	const ipText = command.attributes.get('ip');
	if (!ipText) throw new RouterError(Messages.missingArgument('ip'));
	const address = normalizeIpv4(ipText, 'ip');
	const macText = command.attributes.get('mac-address');
	const mac = macText ? normalizeMac(macText, 'mac-address') : undefined;

	const id = users.idOfKey(name);
	const user = id === undefined ? undefined : users.get(id);
	const password = command.attributes.get('password') ?? '';
	if (!user || user.disabled === 'true' || user.password !== password) {
		throw new RouterError(Messages.hotspotLoginRefused);
	}
	if (user['mac-address'] && mac && user['mac-address'] !== mac) {
		throw new RouterError(Messages.hotspotWrongMac(name));
	}

	const profiles = mustTable(context, '/ip/hotspot/user/profile');
	const profileId = profiles.idOfKey(user.profile ?? 'default');
	const sharedUsers = (profileId && profiles.get(profileId)?.['shared-users']) || '1';
	if (sharedUsers !== 'unlimited') {
		let sessions = 0;
		for (const [, session] of active.entries()) if (session.user === name) sessions++;
		if (sessions >= Number(sharedUsers)) throw new RouterError(Messages.hotspotSessionLimit(name));
	}

	const firstServer = mustTable(context, '/ip/hotspot').entries().next().value?.[1].name;
	active.insert({
		...active.defaults(),
		server: user.server && user.server !== 'all' ? user.server : (firstServer ?? 'hotspot1'),
		user: name,
		address,
		...(mac ? { 'mac-address': mac } : {}),
		'started-at': String(context.now)
	});
	return [['!done']];
}

function mustTable(context: VerbContext, path: string): Table {
	const table = context.table(path);
	if (!table) throw new Error(`the simulator has no menu ${path}`);
	return table;
}
