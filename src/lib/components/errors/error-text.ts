import { m } from '$lib/paraglide/messages';

/**
 * Messages that a route throws as plain English (`error(404, 'Not found')`) or that SvelteKit makes
 * itself ("Not Found", "Internal Error"): the page says these in the reader's language instead.
 */
const GENERIC = new Set(['not found', 'forbidden', 'internal error', 'gone']);

/** The heading and the sentence an error page shows for a status and the error's message. */
export function errorText(
	status: number,
	message: string | undefined
): { title: string; detail: string } {
	const own = message && !GENERIC.has(message.trim().toLowerCase()) ? message : undefined;
	// A server error says nothing of its cause: the message could hold a stack or SQL.
	if (status >= 500) return { title: m.error_generic(), detail: m.error_server_side() };
	if (status === 404) return { title: m.error_title_404(), detail: own ?? m.error_page_missing() };
	if (status === 403) return { title: m.error_title_403(), detail: own ?? m.error_forbidden() };
	if (status === 410) return { title: m.error_title_410(), detail: own ?? m.error_gone() };
	return { title: m.error_generic(), detail: own ?? m.error_server_side() };
}
