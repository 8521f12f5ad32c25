import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

// An address under this area that no page answers: the 404 is shown inside the area's layout
// (SvelteKit would otherwise use the bare root error page for a path no route matches).
export const load: PageServerLoad = () => error(404, 'Not found');
