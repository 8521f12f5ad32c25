/**
 * What the payments report can be asked (its URL query), shared by the page's form and the server:
 * a range of Nairobi dates and optional filters. Empty fields mean "any".
 */
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { PAYMENT_STATUSES } from '$lib/vocabulary';

/** How money came in: an STK push, a paybill or till payment, or cash taken by staff. */
export const REPORT_METHODS = ['stk', 'paybill', 'cash'] as const;
export type ReportMethod = (typeof REPORT_METHODS)[number];

/** The longest range one report covers: a year and a day (a leap year, both ends included). */
export const MAX_REPORT_DAYS = 367;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date as `YYYY-MM-DD` (not 2026-02-30, not 2026-13-01). */
function isDate(value: string): boolean {
	const time = Date.parse(`${value}T00:00:00Z`);
	return (
		DATE.test(value) && !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value
	);
}
const day = () =>
	z
		.string()
		.trim()
		.refine(isDate, { error: () => m.reports_error_date() });
const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const id = () => optional(z.uuid({ error: () => m.error_choose() }));

export const paymentsQuerySchema = z
	.object({
		from: optional(day()),
		to: optional(day()),
		method: optional(z.enum(REPORT_METHODS, { error: () => m.error_choose() })),
		status: optional(z.enum(PAYMENT_STATUSES, { error: () => m.error_choose() })),
		package: id(),
		agent: id(),
		router: id()
	})
	.superRefine((query, context) => {
		if (!query.from || !query.to) return;
		const days = (Date.parse(query.to) - Date.parse(query.from)) / 86_400_000 + 1;
		if (days < 1)
			context.addIssue({ code: 'custom', path: ['to'], message: m.reports_error_order() });
		else if (days > MAX_REPORT_DAYS)
			context.addIssue({ code: 'custom', path: ['to'], message: m.reports_error_span() });
	});

export type PaymentsQuery = z.infer<typeof paymentsQuerySchema>;

/** The query's fields as a URL's search parameters would carry them (the first of each). */
export function queryFields(params: URLSearchParams, names: readonly string[]) {
	const fields: Record<string, string> = {};
	for (const name of names) {
		const value = params.get(name);
		if (value !== null) fields[name] = value.slice(0, 100);
	}
	return fields;
}

export const PAYMENTS_QUERY_FIELDS = [
	'from',
	'to',
	'method',
	'status',
	'package',
	'agent',
	'router'
] as const;

export function reportMethodLabel(method: ReportMethod): string {
	return {
		stk: m.reports_method_stk,
		paybill: m.reports_method_paybill,
		cash: m.reports_method_cash
	}[method]();
}
