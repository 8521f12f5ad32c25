import type { PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';

export const load: PageServerLoad = ({ locals, url }) => {
	requireRole(locals, MANAGERS, url);
	return {};
};
