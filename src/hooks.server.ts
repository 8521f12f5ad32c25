import { sequence } from '@sveltejs/kit/hooks';
import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { actAsHandle } from './hooks/act-as';
import { authHandle } from './hooks/auth';
import { i18nHandle } from './hooks/i18n';
import { requestGuardHandle } from './hooks/request-guard';
import { securityHeadersHandle } from './hooks/security-headers';
import { logError, safeRequestLabel } from '$lib/server/logging/safe-error';
import { startApp } from '$lib/server/startup';
import { m } from '$lib/paraglide/messages';

export const init: ServerInit = async () => {
	await startApp();
};

export const handle = sequence(
	securityHeadersHandle,
	requestGuardHandle,
	i18nHandle,
	authHandle,
	actAsHandle
);

/**
 * Users see a message in their language and an id to quote; the stack stays in the server log.
 * SvelteKit's own English "Not Found" (no such route) is said in the user's language too.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	const id = randomUUID();
	// No query string, phone, name or SQL parameter reaches the log (logging/safe-error.ts).
	if (status >= 500)
		logError(`[${id}] ${safeRequestLabel(event.request.method, event.url)}`, error);
	if (status >= 500) return { message: m.error_server_side(), id };
	return {
		message: status === 404 && message === 'Not Found' ? m.error_page_missing() : message,
		id
	};
};
