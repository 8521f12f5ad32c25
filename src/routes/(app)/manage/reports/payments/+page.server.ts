import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import {
	paymentsReportPage,
	paymentsReportTotals,
	readPaymentsReportQuery,
	readReportCursor,
	reportChoices,
	writeReportCursor
} from '$lib/server/reports/payments-report';

const PAGE_SIZE = 50;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const query = readPaymentsReportQuery(url.searchParams);
	const cursor = readReportCursor(url.searchParams.get('after'));
	const { choices, rows, totals } = await withTenant(tenantId, async (tx) => {
		const choices = await reportChoices(tx, tenantId);
		if (!query.ok) return { choices, rows: [], totals: null };
		return {
			choices,
			rows: await paymentsReportPage(tx, tenantId, query.filter, { cursor, limit: PAGE_SIZE + 1 }),
			totals: await paymentsReportTotals(tx, tenantId, query.filter)
		};
	});
	const page = rows.slice(0, PAGE_SIZE);
	const last = page[page.length - 1];
	const search = (extra: Record<string, string>) =>
		`?${new URLSearchParams(Object.entries({ ...query.fields, ...extra }).filter(([, v]) => v !== ''))}`;
	return {
		fields: query.fields,
		errors: query.ok ? {} : query.errors,
		choices,
		totals,
		rows: page.map(({ cursor: _cursor, ...row }) => row),
		csvHref: query.ok ? `/manage/reports/payments.csv${search({})}` : null,
		nextHref:
			rows.length > PAGE_SIZE && last ? search({ after: writeReportCursor(last.cursor) }) : null,
		firstHref: cursor ? search({}) : null
	};
};
