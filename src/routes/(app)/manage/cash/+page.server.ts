import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { agentsTakeCash, setAgentsTakeCash } from '$lib/server/agent-sync/cash';
import { cashByStaff } from '$lib/server/agent-sync/cash-report';
import { nairobiDate, nairobiDayBounds } from '$lib/server/agent-sync/nairobi-day';

/**
 * Cash from agents: whether agents may take cash, and the evening count of one Nairobi day (today
 * unless ?date= names another): each staff member's total and every receipt they gave.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const today = nairobiDate();
	const asked = url.searchParams.get('date') ?? '';
	const date = nairobiDayBounds(asked) && asked <= today ? asked : today;
	return withTenant(tenantId, async (tx) => ({
		today,
		agentsTakeCash: await agentsTakeCash(tx, tenantId),
		report: (await cashByStaff(tx, tenantId, date))!
	}));
};

export const actions: Actions = {
	/** The switch: a ticked box lets agents record cash from the next sync on. */
	setting: async ({ locals, url, request, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const allowed = form.get('agentsTakeCash') === 'on';
		await withTenant(tenantId, (tx) =>
			setAgentsTakeCash(tx, tenantId, allowed, auditActor(user, getClientAddress()))
		);
		redirect(303, `/manage/cash?saved=${allowed ? 'on' : 'off'}`);
	}
};
