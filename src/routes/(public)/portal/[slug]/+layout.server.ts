import type { LayoutServerLoad } from './$types';
import { manifestPath } from '$lib/server/self-service/manifest';
import { brandOf, tenantOr404 } from '$lib/server/self-service/public-pages';

export const load: LayoutServerLoad = async ({ params }) => {
	const tenant = await tenantOr404(params.slug);
	return { brand: brandOf(tenant), manifest: manifestPath('portal', tenant.slug) };
};
