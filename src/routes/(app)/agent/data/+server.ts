import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { STAFF } from '$lib/server/auth/guards';
import { offlineData } from '$lib/server/agent-sync/offline-data';
import { m } from '$lib/paraglide/messages';

/** What the agent's phone keeps for offline use (contract: issue 14); never cached by anyone else. */
export const GET: RequestHandler = async ({ locals }) => {
	const user = locals.user;
	if (!user || !locals.tenantId) return json({ message: m.sync_logged_out() }, { status: 401 });
	if (!(STAFF as readonly string[]).includes(user.role))
		return json({ message: m.error_forbidden() }, { status: 403 });
	const data = await offlineData({
		id: user.id,
		name: user.name,
		role: user.role,
		tenantId: locals.tenantId
	});
	return json(data, { headers: { 'cache-control': 'private, no-store' } });
};
