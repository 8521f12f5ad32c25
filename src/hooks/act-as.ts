import { error, json, type Handle, type RequestEvent } from '@sveltejs/kit';
import {
	auditGrantedWrite,
	isActive,
	scopedByGrant,
	stopActingAs,
	writeNeedsGrant
} from '$lib/server/auth/act-as';
import { clientAddressOf } from '$lib/server/security/address-key';
import { m } from '$lib/paraglide/messages';

/** A refused write: 403 with the reason, as an action result for enhanced forms, else as the error page. */
function refuse(event: RequestEvent): Response {
	const message = m.act_as_required();
	if (event.request.headers.get('x-sveltekit-action') === 'true')
		return json({ type: 'error', error: { message } }, { status: 403 });
	error(403, message);
}

/**
 * The platform admin's drill-down is read-only: every write outside the platform's own pages needs
 * an active "act as tenant" grant (auth/act-as.ts). Checked here, once, for every route and
 * endpoint, so a route that forgets cannot open a hole. A grant that ran out is ended (and
 * audited) at the first request after it.
 */
export const actAsHandle: Handle = async ({ event, resolve }) => {
	event.locals.actingAs = null;
	const { user, session } = event.locals;
	if (!user || !session || user.role !== 'platform_admin') return resolve(event);

	let grant = session.actAs;
	if (grant && !isActive(grant)) {
		await stopActingAs({
			admin: user,
			sessionId: session.id,
			cause: 'expired',
			ip: clientAddressOf(event)
		});
		grant = null;
	}
	const path = event.url.pathname;
	const needsGrant = writeNeedsGrant(event.request.method, path);
	if (!grant) return needsGrant ? refuse(event) : resolve(event);

	event.locals.actingAs = grant;
	if (scopedByGrant(path)) event.locals.tenantId = grant.tenantId;
	const response = await resolve(event);
	if (needsGrant) {
		const action = event.url.search.startsWith('?/') ? event.url.search.slice(2, 60) : null;
		await auditGrantedWrite({
			admin: user,
			grant,
			method: event.request.method,
			path,
			action,
			status: response.status,
			ip: clientAddressOf(event)
		});
	}
	return response;
};
