import { json, type Handle } from '@sveltejs/kit';
import { MAX_BODY_BYTES } from '$lib/server/http/body';

export { MAX_BODY_BYTES };

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * JSON endpoints among the pages. Each reads its body itself, up to a limit of its own, and answers
 * a larger one with a JSON 413: the agent phone's outbox sends many items at once (agent-sync/request.ts).
 */
const JSON_ENDPOINTS = new Set(['/agent/sync']);

/**
 * Oversized or wrongly typed bodies get a 400 with a field message, never a 413/415 page or a stack.
 * Endpoints that take JSON validate their own bodies (see $lib/server/http/json-body.ts).
 */
export const requestGuardHandle: Handle = async ({ event, resolve }) => {
	const { request } = event;
	if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS')
		return resolve(event);
	const length = Number(request.headers.get('content-length') ?? '0');
	const path = event.url.pathname;
	if (JSON_ENDPOINTS.has(path)) return resolve(event);
	if (length > MAX_BODY_BYTES) {
		return json(
			{
				message: 'The request body is too large',
				errors: { body: `At most ${MAX_BODY_BYTES} bytes` }
			},
			{ status: 400 }
		);
	}
	// JSON endpoints live under /api/ and /hooks/ (and in JSON_ENDPOINTS) and validate their own
	// bodies; everything else that is posted is a form action.
	if (path.startsWith('/api/') || path.startsWith('/hooks/')) return resolve(event);
	const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
	if (!FORM_TYPES.includes(type)) {
		return json(
			{
				message: 'Expected a form submission',
				errors: {
					body: 'Send the form as application/x-www-form-urlencoded or multipart/form-data'
				}
			},
			{ status: 400 }
		);
	}
	// A body that says it is a form but cannot be read as one (a broken multipart boundary) would
	// make the action's formData() throw: answer 400 here, once, for every form.
	try {
		await request.clone().formData();
	} catch {
		return json(
			{ message: 'The form could not be read', errors: { body: 'Send a well-formed form body' } },
			{ status: 400 }
		);
	}
	return resolve(event);
};
