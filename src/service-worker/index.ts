/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * The staff app's service worker (Workbox). SvelteKit builds it; the app registers it with
 * workbox-window (src/lib/pwa/register.ts), so a new version waits until the agent taps "Update".
 *
 * - The build and the static files are precached: the app starts with no signal.
 * - Pages of the staff app are network-first, with a short timeout (a weak signal should not
 *   leave an agent staring at a blank screen), falling back to the copy from the last visit, then
 *   to the offline page.
 * - Pages are kept per user: logging in or out drops them (see rules.ts `changesUser`).
 * - POSTs, /agent/data and /agent/sync are never cached; the outbox keeps its own data.
 */
import { build, files, version } from '$service-worker';
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst, NetworkOnly, StaleWhileRevalidate } from 'workbox-strategies';
import { changesUser, isAppPage, isReferenceFile, precacheEntries } from './rules';
import { listenForOutboxSync } from './outbox-sync';
import './push';

const sw = self as unknown as ServiceWorkerGlobalScope;

/** The page kept when nothing else can be shown: static/offline.html (English and Kiswahili). */
export const OFFLINE_PAGE = '/offline.html';
/** Cached pages belong to one build (their scripts are that build's) and to one user. */
const PAGES = `pages-${version}`;
const REFERENCE = 'reference';

precacheAndRoute(precacheEntries(build, files, version));
cleanupOutdatedCaches();
// A first install takes the open page at once; an update waits for the agent (SKIP_WAITING below).
clientsClaim();

/**
 * Counts the changes of user. A page asked for before one (say the app was keeping pages for
 * offline use as the agent logged out) arrives after its cache was dropped: it is not kept.
 */
let user = 0;
/** Logins and logouts under way: no page is kept until the server has answered them. */
let changingUser = 0;

async function dropPages(): Promise<void> {
	user++;
	for (const name of await caches.keys()) if (name.startsWith('pages-')) await caches.delete(name);
}

sw.addEventListener('activate', (event) => {
	// The previous build's pages name scripts this build no longer keeps.
	event.waitUntil(
		caches
			.keys()
			.then((names) =>
				Promise.all(
					names.filter((n) => n.startsWith('pages-') && n !== PAGES).map((n) => caches.delete(n))
				)
			)
	);
});

sw.addEventListener('message', (event) => {
	const type = (event.data as { type?: unknown } | null)?.type;
	// workbox-window's messageSkipWaiting(), sent when the agent taps "Update".
	if (type === 'SKIP_WAITING') void sw.skipWaiting();
	// The app says who is using the phone changed (for example a logout without a page load).
	if (type === 'clear-pages') event.waitUntil(dropPages());
});

/** SvelteKit answers a data request it redirects (say to /login) with 200 and a JSON note. */
async function isDataRedirect(response: Response): Promise<boolean> {
	if (!new URL(response.url).pathname.endsWith('/__data.json')) return false;
	const body = (await response
		.clone()
		.json()
		.catch(() => null)) as { type?: unknown } | null;
	return body?.type === 'redirect';
}

// Logging in or out: forget the previous user's pages before the server answers. A page asked
// for while the server had not yet answered (the app keeps pages for offline use in the
// background, and the leaving page runs until the next one comes) was asked for under the old
// session: it is not kept either.
const afterDroppingPages = new NetworkOnly({
	plugins: [
		{
			handlerWillStart: async () => {
				changingUser++;
				await dropPages();
			},
			handlerDidComplete: async () => {
				changingUser--;
				user++;
			}
		}
	]
});
registerRoute(({ url, sameOrigin }) => sameOrigin && changesUser(url), afterDroppingPages, 'POST');

registerRoute(
	({ url, sameOrigin }) => sameOrigin && isAppPage(url),
	new NetworkFirst({
		cacheName: PAGES,
		networkTimeoutSeconds: 4,
		plugins: [
			new ExpirationPlugin({ maxEntries: 50 }),
			{
				handlerWillStart: async ({ state }) => {
					if (state) state.user = user;
				},
				// Only a page as asked for (not an error, not where a redirect led) by this user.
				cacheWillUpdate: async ({ response, state }) =>
					response.status === 200 &&
					!response.redirected &&
					state?.user === user &&
					changingUser === 0 &&
					!(await isDataRedirect(response))
						? response
						: null
			},
			{
				// No copy of this exact address (say /agent?source=pwa): the same page without its query,
				// then the offline page for a navigation. SvelteKit's data requests simply fail.
				handlerDidError: async ({ request }) => {
					const cache = await caches.open(PAGES);
					const copy = await cache.match(request, { ignoreSearch: true });
					if (copy) return copy;
					if (request.mode === 'navigate') return matchPrecache(OFFLINE_PAGE);
					return undefined;
				}
			}
		]
	})
);

registerRoute(
	({ url, sameOrigin, request }) => sameOrigin && isReferenceFile(url, request.destination),
	new StaleWhileRevalidate({
		cacheName: REFERENCE,
		plugins: [new ExpirationPlugin({ maxEntries: 60, maxAgeSeconds: 30 * 24 * 3600 })]
	})
);

listenForOutboxSync(sw);
