import type { PageServerLoad } from './$types';
import { STAFF, requireRole } from '$lib/server/auth/guards';

export const load: PageServerLoad = ({ locals, url }) => {
	const { user } = requireRole(locals, STAFF, url);
	return { name: user.name };
};
