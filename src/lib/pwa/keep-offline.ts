/**
 * The agent's pages work with no signal only if the service worker has a copy of each: the page
 * itself (a full load, or a reload) and SvelteKit's data for it (a tap on a link inside the app).
 * An agent who logs in and walks out the door has opened only the home page, so the rest are
 * fetched here once the worker controls the page; the worker keeps them per user (rules.ts).
 */
import { beforeNavigate, preloadData } from '$app/navigation';

/** Fetches each page and its data through the worker, once it controls this page. */
export async function keepForOffline(paths: readonly string[]): Promise<void> {
	const worker = navigator.serviceWorker;
	if (!worker) return;
	await worker.ready;
	if (!worker.controller)
		await new Promise((resolve) =>
			worker.addEventListener('controllerchange', resolve, { once: true })
		);
	for (const path of paths) {
		if (!navigator.onLine) return;
		try {
			if (!(await caches.match(path)))
				await fetch(path, { credentials: 'same-origin', headers: { accept: 'text/html' } });
			await preloadData(path);
		} catch {
			// The signal went meanwhile: what was fetched is kept, the rest is fetched next time.
		}
	}
}

/**
 * With no signal, a tap inside the app becomes a full load: SvelteKit could not fetch the page's
 * data, and the worker answers a full load with its copy of the page, or with the offline page.
 * Call during a component's initialisation.
 */
export function loadFullyWhenOffline(): void {
	beforeNavigate(({ to, willUnload, cancel, type }) => {
		if (navigator.onLine || willUnload || !to || type === 'popstate') return;
		if (to.url.origin !== location.origin) return;
		cancel();
		location.assign(to.url.href);
	});
}
