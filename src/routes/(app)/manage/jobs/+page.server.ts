import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { safeRedirectTarget } from '$lib/server/http/redirect-target';
import { retryFailedJobs } from '$lib/server/network/jobs';
import { failedJobIds, listJobViews } from '$lib/server/network/views';
import { m } from '$lib/paraglide/messages';

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	return withTenant(tenantId, async (tx) => ({
		failed: await listJobViews(tx, { status: 'failed', limit: 100 }),
		recent: await listJobViews(tx, { notStatus: 'failed', limit: 50 })
	}));
};

/** Only a page of this app: never an outside address or a protocol-relative one. */
/** The page the retry button was on (a subscriber's or a router's), nothing else. */
function backTo(value: FormDataEntryValue | null, url: URL): string | null {
	const target = safeRedirectTarget(value, url);
	return target && /^\/manage\/[A-Za-z0-9/_-]*$/.test(target) ? target : null;
}

export const actions: Actions = {
	/** Retries one failed job (`id`), several, or every failed one visible (`all`). */
	retry: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const all = form.get('all') === 'on' || form.get('all') === 'true';
		const picked = form
			.getAll('id')
			.map((v) => Number(v))
			.filter((n) => Number.isSafeInteger(n) && n > 0)
			.slice(0, 1000);
		if (!all && picked.length === 0) return fail(400, { message: m.error_choose() });
		const count = await withTenant(tenantId, async (tx) => {
			// RLS leaves out jobs of tenants this manager cannot see: they are simply not retried.
			const ids = all ? await failedJobIds(tx) : picked;
			const count = await retryFailedJobs(tx, ids);
			if (count > 0) {
				await writeAudit(tx, {
					tenantId,
					actor: auditActor(user, getClientAddress()),
					action: 'job.retry',
					target: all ? 'all' : ids.join(','),
					detail: { ids: ids.slice(0, 100), retried: count }
				});
			}
			return count;
		});
		const back = backTo(form.get('back'), url);
		if (back) redirect(303, back);
		return { retried: count };
	}
};
