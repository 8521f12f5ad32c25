/**
 * What the service worker does with a request, as plain functions of the address (no worker
 * globals), so they can be tested without a browser.
 */

/** The staff app's page areas: a navigation there is served network-first with an offline copy. */
const APP_AREAS = ['/agent', '/manage', '/platform', '/account'];

/**
 * Never answered from a cache, whatever they look like: the phone's offline data comes from the
 * outbox's own store (IndexedDB), and a stale sync answer would lie about what the server has.
 */
const NEVER_CACHED = ['/agent/data', '/agent/sync', '/healthz'];

function within(path: string, base: string): boolean {
	return path === base || path.startsWith(`${base}/`);
}

export function neverCached(url: URL): boolean {
	return NEVER_CACHED.some((base) => within(url.pathname, base));
}

/**
 * A page (or SvelteKit's data for one: `…/__data.json`) of the staff app. The public pages (top-up,
 * captive portal) and the M-Pesa hooks are left to the network: they belong to strangers, not to
 * the person holding this phone.
 */
export function isAppPage(url: URL): boolean {
	if (neverCached(url)) return false;
	const path = url.pathname.replace(/\/__data\.json$/, '') || '/';
	return path === '/' || path === '/login' || APP_AREAS.some((base) => within(path, base));
}

/**
 * Posting these changes who is using the phone: the pages kept for offline use are dropped first,
 * so nobody is shown the previous user's pages (a `?/action` suffix is the same form).
 */
export function changesUser(url: URL): boolean {
	return url.pathname === '/login' || url.pathname === '/logout';
}

/** Files the app refers to that are not part of a build (a tenant's manifest, images). */
export function isReferenceFile(url: URL, destination: RequestDestination): boolean {
	if (neverCached(url)) return false;
	return (
		['image', 'font', 'style', 'manifest'].includes(destination) ||
		url.pathname.startsWith('/icons/') ||
		url.pathname.endsWith('.webmanifest')
	);
}

/**
 * Hashed build files never change under their name: their name is their revision. Everything else
 * (static files, version.json) is revised by the build's version.
 */
export function precacheEntries(
	build: readonly string[],
	files: readonly string[],
	version: string
): { url: string; revision: string | null }[] {
	return [
		...build.map((url) => ({ url, revision: url.includes('/immutable/') ? null : version })),
		...files.map((url) => ({ url, revision: version }))
	];
}
