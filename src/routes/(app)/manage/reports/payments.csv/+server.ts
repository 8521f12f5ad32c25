import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { paymentsReportCsv, readPaymentsReportQuery } from '$lib/server/reports/payments-report';
import { m } from '$lib/paraglide/messages';

/** The payments report as a CSV file, streamed: the same query as the page, every row. */
export const GET: RequestHandler = ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const query = readPaymentsReportQuery(url.searchParams);
	if (!query.ok)
		return json({ message: m.error_check_form(), errors: query.errors }, { status: 400 });
	return paymentsReportCsv(tenantId, query.filter);
};
