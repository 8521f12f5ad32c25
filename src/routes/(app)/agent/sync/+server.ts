import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { STAFF } from '$lib/server/auth/guards';
import { readSyncEnvelope } from '$lib/server/agent-sync/request';
import { syncItems } from '$lib/server/agent-sync/items';
import { crossSite } from '$lib/server/agent-sync/same-origin';
import { RATE_RULES, takeHits } from '$lib/server/security/rate-limit';
import { m } from '$lib/paraglide/messages';

/**
 * The agent phone's outbox, sent in batches (contract: issue 14). Always JSON: a phone that is
 * logged out gets a 401 and keeps its items; a refused item is a result, not a failed request.
 */
export const POST: RequestHandler = async (event) => {
	const { locals, request } = event;
	const user = locals.user;
	if (!user || !locals.tenantId) return json({ message: m.sync_logged_out() }, { status: 401 });
	if (!(STAFF as readonly string[]).includes(user.role))
		return json({ message: m.error_forbidden() }, { status: 403 });
	if (crossSite(request, event.url)) return json({ message: m.sync_cross_site() }, { status: 403 });
	const rate = await takeHits([{ rule: RATE_RULES.syncPerUser, subject: user.id }]);
	if (!rate.allowed)
		return json(
			{ message: m.sync_too_many() },
			{ status: 429, headers: { 'retry-after': String(rate.retryAfterSeconds) } }
		);
	const envelope = await readSyncEnvelope(request);
	if (!envelope.ok) return json({ message: envelope.message }, { status: envelope.status });
	const results = await syncItems(
		{
			id: user.id,
			name: user.name,
			role: user.role,
			tenantId: locals.tenantId,
			ip: event.getClientAddress()
		},
		envelope.items
	);
	return json({ results });
};
