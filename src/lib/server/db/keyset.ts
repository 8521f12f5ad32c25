/**
 * Keyset paging for lists ordered newest first (`created_at desc, id desc`): a page ends at a row,
 * the next starts after it. The time keeps the microseconds Postgres stores (a JavaScript Date
 * would round them to milliseconds and skip the rows in between), and "after it" is one row
 * comparison, which Postgres answers from the (…, created_at, id) index without walking the rows
 * before it. The URL form of a cursor is in $lib/server/http/page-cursor.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

export interface PageCursor {
	/** ISO 8601 in UTC with microseconds, as `cursorTime` gives it. */
	at: string;
	id: string;
}

/** A row's created_at as a cursor time: ISO 8601 in UTC with all six decimals. */
export function cursorTime(createdAt: AnyColumn): SQL<string> {
	return sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The rows after the cursor in newest-first order. */
export function olderThan(createdAt: AnyColumn, id: AnyColumn, cursor: PageCursor): SQL {
	return sql`(${createdAt}, ${id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;
}
