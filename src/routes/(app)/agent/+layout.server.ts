import type { LayoutServerLoad } from './$types';
import { STAFF, requireRole } from '$lib/server/auth/guards';

/**
 * Whose outbox this phone shows and sends: the signed-in person. Nothing else is loaded here, so
 * the service worker's copy of an agent page is enough to work with no signal.
 */
export const load: LayoutServerLoad = ({ locals, url }) => {
	const { user } = requireRole(locals, STAFF, url);
	return { agentId: user.id };
};
