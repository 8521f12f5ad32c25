/**
 * Keyset page cursors in the URL: the last row of the previous page, `<time>_<id>` (see
 * $lib/server/db/keyset for what they mean to a query). A mangled cursor means the first page.
 */
import type { PageCursor } from '../db/keyset';
import { isUuid } from '../../uuid';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

export function readCursor(value: string | null): PageCursor | undefined {
	if (!value) return undefined;
	const split = value.lastIndexOf('_');
	const at = value.slice(0, split);
	const id = value.slice(split + 1);
	// Whole seconds must survive a round trip through Date: that turns away 30 February, which Postgres would refuse.
	const time = ISO_UTC.test(at) ? new Date(at) : null;
	const real =
		time !== null &&
		!Number.isNaN(time.getTime()) &&
		time.toISOString().slice(0, 19) === at.slice(0, 19);
	return split > 0 && real && isUuid(id) ? { at, id } : undefined;
}

export function writeCursor(cursor: PageCursor): string {
	return `${cursor.at}_${cursor.id}`;
}
