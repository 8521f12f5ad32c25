import type { Handle } from '@sveltejs/kit';
import { STRICT_TRANSPORT_SECURITY, withFormTargets } from '$lib/server/http/content-security';

/**
 * Headers on every response, the portal and error pages included. The Content-Security-Policy
 * itself comes from kit.csp (svelte.config.js); here only a page's extra form target is added.
 */
export const securityHeadersHandle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	try {
		headers.set('x-content-type-options', 'nosniff');
		headers.set('referrer-policy', 'same-origin');
		// No page of ours is meant to be framed: a framed login or payment page is a clickjacking kit.
		headers.set('x-frame-options', 'DENY');
		if (event.url.protocol === 'https:')
			headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY);
		const policy = headers.get('content-security-policy');
		if (policy && event.locals.formTargets?.length)
			headers.set('content-security-policy', withFormTargets(policy, event.locals.formTargets));
	} catch {
		// A response with immutable headers (a fetch passed through) keeps its own.
	}
	return response;
};
