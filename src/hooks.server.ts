import { sequence } from '@sveltejs/kit/hooks';
import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { authHandle } from './hooks/auth';
import { i18nHandle } from './hooks/i18n';
import { requestGuardHandle } from './hooks/request-guard';
import { securityHeadersHandle } from './hooks/security-headers';
import { startApp } from '$lib/server/startup';

export const init: ServerInit = async () => {
	await startApp();
};

export const handle = sequence(securityHeadersHandle, requestGuardHandle, i18nHandle, authHandle);

/** Users see a message and an id to quote; the stack stays in the server log. */
export const handleError: HandleServerError = ({ error, status, message }) => {
	const id = randomUUID();
	if (status >= 500) console.error(`[${id}]`, error);
	return { message: status >= 500 ? 'Something went wrong on our side' : message, id };
};
