/**
 * The web app manifest of a tenant's public page. A subscriber who adds the top-up page (or the
 * captive portal) to the home screen gets that page, in the ISP's name and colour, and not the
 * staff login that the app-wide /manifest.webmanifest starts at.
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import type { PublicTenant } from './tenant';

export type PublicArea = 'pay' | 'portal';

/** Where the page's manifest is served; absolute, so it stays right after in-app navigation. */
export const manifestPath = (area: PublicArea, slug: string) =>
	`/${area}/${slug}/manifest.webmanifest`;

export function publicManifest(tenant: PublicTenant, area: PublicArea) {
	const home = `/${area}/${tenant.slug}`;
	return {
		// The id keeps two tenants' pages apart as two apps on one phone.
		id: home,
		name: tenant.name,
		short_name: tenant.name,
		description:
			area === 'pay'
				? m.pay_manifest_description({ name: tenant.name })
				: m.portal_manifest_description({ name: tenant.name }),
		start_url: home,
		// Without a trailing slash, which SvelteKit would redirect away: the page and everything under it.
		scope: home,
		display: 'standalone',
		orientation: 'portrait',
		background_color: '#f6f7f5',
		theme_color: tenant.brandColor,
		lang: getLocale(),
		icons: [
			{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
			{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
			{
				src: '/icons/icon-maskable-512.png',
				sizes: '512x512',
				type: 'image/png',
				purpose: 'maskable'
			}
		]
	};
}

/** The manifest as a response, with the type browsers expect of it. */
export function manifestResponse(manifest: ReturnType<typeof publicManifest>): Response {
	return new Response(JSON.stringify(manifest), {
		headers: {
			'content-type': 'application/manifest+json; charset=utf-8',
			// A changed name or colour reaches installed pages within minutes.
			'cache-control': 'public, max-age=300',
			// Its name and description follow the reader's language.
			vary: 'cookie, accept-language'
		}
	});
}
