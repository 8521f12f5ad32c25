import type { PageServerLoad } from './$types';
import { STAFF, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { listSubscribers } from '$lib/server/network/subscribers';
import { readCursor, writeCursor } from '$lib/server/http/page-cursor';

const PAGE_SIZE = 25;

/**
 * An agent's own subscribers, searched by name, phone or account number. Whose they are comes from
 * the session (the tenant's scope and the signed-in person), never from the address: any other
 * parameter is ignored.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { user, tenantId } = requireRole(locals, STAFF, url);
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 80);
	const after = readCursor(url.searchParams.get('after'));
	const page = await withTenant(tenantId, (tx) =>
		listSubscribers(tx, { q: q || undefined, registeredBy: user.id, after, limit: PAGE_SIZE })
	);
	let nextHref: string | null = null;
	if (page.next) {
		const next = new URLSearchParams();
		if (q) next.set('q', q);
		next.set('after', writeCursor(page.next));
		nextHref = `?${next}`;
	}
	return {
		subscribers: page.rows,
		q,
		nextHref,
		firstHref: after ? (q ? `?${new URLSearchParams({ q })}` : '?') : null
	};
};
