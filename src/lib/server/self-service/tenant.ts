/**
 * The tenant a public page (top-up, captive portal) belongs to, from the slug in its address.
 * Only what the page shows: the name and the brand colour.
 */
import { withTenant } from '../db';
import { getTenantBySlug } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';

export interface PublicTenant {
	id: string;
	slug: string;
	name: string;
	brandColor: string;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** The tenant with this slug, or null (also for the platform itself, which sells nothing). */
export async function publicTenant(slug: string): Promise<PublicTenant | null> {
	if (!SLUG.test(slug)) return null;
	// Slugs are public; resolving one needs the platform's view, and nothing else is read there.
	const tenant = await withTenant(PLATFORM_TENANT_ID, (tx) => getTenantBySlug(tx, slug));
	if (!tenant || tenant.kind === 'platform') return null;
	return { id: tenant.id, slug: tenant.slug, name: tenant.name, brandColor: tenant.brandColor };
}
