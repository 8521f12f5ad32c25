/**
 * The one 404 every route throws: in the reader's language, and saying no more than that there is
 * nothing here (a page another tenant has, or a role may not open, must not confirm it exists).
 */
import { error } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';

export function notFound(): never {
	error(404, m.error_page_missing());
}

/** What a load or an action looked up, or a 404 when there is none (not this scope's, or gone). */
export function foundOrNotFound<T>(value: T | null | undefined): T {
	if (value === null || value === undefined) notFound();
	return value;
}
