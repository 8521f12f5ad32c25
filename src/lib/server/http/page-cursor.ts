/**
 * Keyset paging for lists ordered newest first: the cursor in the URL is the last row of the previous
 * page, `<iso time>_<id>`. A mangled cursor means the first page.
 */
import { isUuid } from '../../uuid';

export interface PageCursor {
	createdAt: Date;
	id: string;
}

export function readCursor(value: string | null): PageCursor | undefined {
	if (!value) return undefined;
	const split = value.lastIndexOf('_');
	const createdAt = new Date(value.slice(0, split));
	const id = value.slice(split + 1);
	return split > 0 && !Number.isNaN(createdAt.getTime()) && isUuid(id) ? { createdAt, id } : undefined;
}

export function writeCursor(row: PageCursor): string {
	return `${row.createdAt.toISOString()}_${row.id}`;
}
