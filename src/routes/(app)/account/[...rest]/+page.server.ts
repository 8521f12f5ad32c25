import type { PageServerLoad } from './$types';
import { notFound } from '$lib/server/http/not-found';

// An address under this area that no page answers: the 404 is shown inside the area's layout
// (SvelteKit would otherwise use the bare root error page for a path no route matches).
export const load: PageServerLoad = () => notFound();
