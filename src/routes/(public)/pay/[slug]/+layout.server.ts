import type { LayoutServerLoad } from './$types';
import { brandOf, tenantOr404 } from '../../public-pages';

export const load: LayoutServerLoad = async ({ params }) => ({ brand: brandOf(await tenantOr404(params.slug)) });
