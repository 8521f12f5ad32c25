import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '$lib/vocabulary';
import { listPackages } from '$lib/server/network/packages';
import { listSubscribers } from '$lib/server/network/subscribers';
import { isUuid } from '$lib/uuid';
import { readCursor, writeCursor } from '$lib/server/http/page-cursor';

const PAGE_SIZE = 25;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 80);
	const statusParam = url.searchParams.get('status') ?? '';
	const status = (SUBSCRIBER_STATUSES as readonly string[]).includes(statusParam)
		? (statusParam as SubscriberStatus)
		: undefined;
	const packageParam = url.searchParams.get('package') ?? '';
	const packageId = isUuid(packageParam) ? packageParam : undefined;
	const after = readCursor(url.searchParams.get('after'));

	const { page, packages } = await withTenant(tenantId, async (tx) => ({
		page: await listSubscribers(tx, {
			q: q || undefined,
			status,
			packageId,
			after,
			limit: PAGE_SIZE
		}),
		packages: (await listPackages(tx)).map((p) => ({ id: p.id, name: p.name }))
	}));

	let nextHref: string | null = null;
	if (page.next) {
		const next = new URLSearchParams();
		if (q) next.set('q', q);
		if (status) next.set('status', status);
		if (packageId) next.set('package', packageId);
		next.set('after', writeCursor(page.next));
		nextHref = `?${next}`;
	}
	let firstHref: string | null = null;
	if (after) {
		const first = new URLSearchParams(url.searchParams);
		first.delete('after');
		firstHref = `?${first}`;
	}
	return {
		subscribers: page.rows,
		filter: { q, status: status ?? '', packageId: packageId ?? '' },
		packages,
		nextHref,
		firstHref
	};
};
