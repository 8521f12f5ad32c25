import type { Handle } from '@sveltejs/kit';

export const securityHeadersHandle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('x-content-type-options', 'nosniff');
	response.headers.set('referrer-policy', 'same-origin');
	if (!event.url.pathname.startsWith('/portal/')) response.headers.set('x-frame-options', 'DENY');
	return response;
};
