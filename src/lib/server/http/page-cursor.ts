/**
 * Keyset paging for lists ordered newest first (`created_at desc, id desc`): the cursor in the URL
 * is the last row of the previous page, `<time>_<id>`. The time keeps the microseconds Postgres
 * stores (a JavaScript Date would round them to milliseconds and skip the rows in between), and
 * the next page is one row comparison, which Postgres answers from the (…, created_at, id) index
 * without walking the rows before it. A mangled cursor means the first page.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { isUuid } from '../../uuid';

export interface PageCursor {
	/** ISO 8601 in UTC with microseconds, as `cursorTime` gives it. */
	at: string;
	id: string;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

export function readCursor(value: string | null): PageCursor | undefined {
	if (!value) return undefined;
	const split = value.lastIndexOf('_');
	const at = value.slice(0, split);
	const id = value.slice(split + 1);
	// Whole seconds must survive a round trip through Date: that turns away 30 February, which Postgres would refuse.
	const time = ISO_UTC.test(at) ? new Date(at) : null;
	const real = time !== null && !Number.isNaN(time.getTime()) && time.toISOString().slice(0, 19) === at.slice(0, 19);
	return split > 0 && real && isUuid(id) ? { at, id } : undefined;
}

export function writeCursor(cursor: PageCursor): string {
	return `${cursor.at}_${cursor.id}`;
}

/** A row's created_at as a cursor time: ISO 8601 in UTC with all six decimals. */
export function cursorTime(createdAt: AnyColumn): SQL<string> {
	return sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The rows after the cursor in newest-first order. */
export function olderThan(createdAt: AnyColumn, id: AnyColumn, cursor: PageCursor): SQL {
	return sql`(${createdAt}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;
}
