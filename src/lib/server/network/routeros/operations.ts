/**
 * What the app does on a router, all idempotent (find by name, then add or set; never a
 * duplicate), so a provisioning job can run twice, or die halfway and be retried, safely.
 *
 *   await withRouter(target, async (api) => {
 *     await ensureProfile(api, 'hotspot', { name: 'daily-5m', rateLimit: '2M/5M', sharedUsers: 1 });
 *     await ensureUser(api, 'hotspot', { name: 'wanjiku', password: '4821', profile: 'daily-5m', disabled: false, comment: 'sub 1001' });
 *   });
 */
import { connectRouter, type RouterTarget } from './client';
import { routerDurationSeconds } from './menus';

export { MENUS, type ServiceKind } from './menus';
export {
	ensureProfile,
	listProfiles,
	type ProfileSpec,
	type RouterProfile,
	type SharedUsers
} from './profiles';
export {
	ensureUser,
	listUsers,
	removeUser,
	setUserDisabled,
	type DisableOutcome,
	type RemoveOutcome,
	type RouterUser,
	type UserSpec
} from './users';
export { dropSessions, hotspotLogin, type HotspotLogin } from './sessions';
export { ensureUsersPipelined, type BulkOptions, type BulkOutcome } from './bulk';
export type { UpsertOutcome } from './upsert';

export interface RouterInfo {
	identity: string;
	/** As RouterOS prints it, e.g. "7.16.2 (stable)". */
	version: string;
	/** As RouterOS prints it, e.g. "3d4h12m". */
	uptime: string;
	uptimeSeconds: number;
	boardName: string;
	/** api-ssl: SHA-256 of the certificate the router presented (`AB:CD:…`). */
	certificateFingerprint?: string;
}

/**
 * Checks a router's address and credentials on a connection of its own (not the shared one,
 * so a manager testing new credentials never disturbs running jobs). Rejects with
 * RouterUnreachable (reason says why), RouterLoginFailed, RouterCommandFailed, or over api-ssl
 * RouterCertificateChanged when the target pins another certificate.
 */
export async function testConnection(target: RouterTarget): Promise<RouterInfo> {
	const connection = await connectRouter(target);
	try {
		const [[identity], [resource]] = await Promise.all([
			connection.write('/system/identity/print'),
			connection.write('/system/resource/print', ['=.proplist=version,uptime,board-name'])
		]);
		const uptime = resource?.uptime ?? '';
		return {
			identity: identity?.name ?? '',
			version: resource?.version ?? '',
			uptime,
			uptimeSeconds: routerDurationSeconds(uptime) ?? 0,
			boardName: resource?.['board-name'] ?? '',
			certificateFingerprint: connection.certificateFingerprint
		};
	} finally {
		await connection.close();
	}
}
