/**
 * Report periods in Nairobi days (UTC+3 all year): `from` and `to` are dates as a manager in Kenya
 * reads them, both included, and `start`/`end` the instants that bound them.
 */
import { nairobiDate, nairobiDayBounds } from '../agent-sync/nairobi-day';

export interface NairobiRange {
	from: string;
	to: string;
	/** Midnight in Nairobi at the start of `from` (inclusive). */
	start: Date;
	/** Midnight in Nairobi at the end of `to` (exclusive). */
	end: Date;
}

/** The range from `from` to `to`, both Nairobi dates; null if either is not a date or to < from. */
export function nairobiRange(from: string, to: string): NairobiRange | null {
	const first = nairobiDayBounds(from);
	const last = nairobiDayBounds(to);
	if (!first || !last || last.start < first.start) return null;
	return { from, to, start: first.start, end: last.end };
}

/** The first of this month to today, in Nairobi: what a report shows before it is asked anything. */
export function thisMonthSoFar(now: Date = new Date()): NairobiRange {
	const today = nairobiDate(now);
	return nairobiRange(`${today.slice(0, 8)}01`, today)!;
}
