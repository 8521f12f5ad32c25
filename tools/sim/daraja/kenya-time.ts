/**
 * Daraja speaks Kenyan wall-clock time everywhere: the Timestamp inside the STK Password, the
 * TransactionDate of a callback, C2B TransTime and the digits inside a CheckoutRequestID.
 * Kenya has kept UTC+3 all year, without daylight saving, since 1942, so a fixed offset is exact
 * and does not depend on the time-zone data of whatever Node build runs the simulator.
 */
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;

interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

function nairobiWallClock(date: Date): WallClock {
	const shifted = new Date(date.getTime() + NAIROBI_OFFSET_MS);
	return {
		year: shifted.getUTCFullYear(),
		month: shifted.getUTCMonth() + 1,
		day: shifted.getUTCDate(),
		hour: shifted.getUTCHours(),
		minute: shifted.getUTCMinutes(),
		second: shifted.getUTCSeconds(),
		millisecond: shifted.getUTCMilliseconds()
	};
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `YYYYMMDDHHmmss` in Nairobi time: the Timestamp, TransactionDate and TransTime format. */
export function kenyanTimestamp(date: Date = new Date()): string {
	const t = nairobiWallClock(date);
	return `${t.year}${pad(t.month)}${pad(t.day)}${pad(t.hour)}${pad(t.minute)}${pad(t.second)}`;
}

/** `ddmmyyyyHHmmssSSS`: the order Safaricom uses inside CheckoutRequestIDs (ws_CO_0307202305441031…). */
export function checkoutIdStamp(date: Date): string {
	const t = nairobiWallClock(date);
	return `${pad(t.day)}${pad(t.month)}${t.year}${pad(t.hour)}${pad(t.minute)}${pad(t.second)}${pad(t.millisecond, 3)}`;
}

/** The day of `date` in Nairobi, for the date letters of receipt numbers. */
export function kenyanDate(date: Date): { year: number; month: number; day: number } {
	const { year, month, day } = nairobiWallClock(date);
	return { year, month, day };
}

/**
 * Reads a `YYYYMMDDHHmmss` Nairobi timestamp back into an instant. Returns null for anything that
 * is not exactly 14 digits of a real calendar moment (20240230…, hour 24 and the like).
 */
export function parseKenyanTimestamp(value: string): Date | null {
	const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
	if (!match) return null;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
		number,
		number,
		number,
		number,
		number,
		number
	];
	const utc = Date.UTC(year, month - 1, day, hour, minute, second);
	const check = new Date(utc);
	const isRealMoment =
		check.getUTCFullYear() === year &&
		check.getUTCMonth() === month - 1 &&
		check.getUTCDate() === day &&
		check.getUTCHours() === hour &&
		check.getUTCMinutes() === minute &&
		check.getUTCSeconds() === second;
	return isRealMoment ? new Date(utc - NAIROBI_OFFSET_MS) : null;
}
