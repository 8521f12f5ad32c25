/**
 * Days as a Kenyan ISP counts them: midnight to midnight in Nairobi (UTC+3 all year, no DST), so
 * "today's cash" is what an agent took since midnight at home, whatever the server's clock says.
 */
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD`, the Nairobi date of an instant. */
export function nairobiDate(at: Date = new Date()): string {
	return new Date(at.getTime() + NAIROBI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instants a Nairobi date starts (inclusive) and ends (exclusive); null for a date that is not one. */
export function nairobiDayBounds(date: string): { start: Date; end: Date } | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
	const midnightUtc = Date.parse(`${date}T00:00:00Z`);
	if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date)
		return null;
	const start = new Date(midnightUtc - NAIROBI_OFFSET_MS);
	return { start, end: new Date(start.getTime() + DAY_MS) };
}
