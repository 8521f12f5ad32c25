/**
 * Background Sync (Chrome on Android): the browser wakes the worker with the tag `agent-outbox`
 * once the phone is back online, even if the app was closed. An open window sends its own outbox
 * (asked with `{ type: 'agent-outbox-sync' }`, handled in src/lib/agent/runner.svelte.ts); with no
 * window open the worker sends it itself, with the same code (src/lib/agent/sync.ts), and only for
 * the user whose session the phone holds. The outbox registers the tag.
 */
import { syncOutbox } from '$lib/agent/sync';
import { baseLocale, isLocale, overwriteGetLocale } from '$lib/paraglide/runtime';

export const OUTBOX_SYNC_TAG = 'agent-outbox';
export const OUTBOX_SYNC_MESSAGE = { type: 'agent-outbox-sync' } as const;

/** Not in TypeScript's DOM library: the Background Sync event. */
interface SyncEvent extends ExtendableEvent {
	readonly tag: string;
	readonly lastChance: boolean;
}

/** Chrome's Cookie Store API, which workers have (they have no `document.cookie`). */
interface CookieStore {
	get(name: string): Promise<{ value: string } | null>;
}

/**
 * What the worker writes into the outbox itself ("no connection") is in the app's language: the
 * `lang` cookie the language switch sets, else the phone's, as in the app.
 */
async function speakTheAppsLanguage(sw: ServiceWorkerGlobalScope): Promise<void> {
	const store = (sw as unknown as { cookieStore?: CookieStore }).cookieStore;
	const chosen = await store?.get('lang').catch(() => null);
	const phone = [...(sw.navigator.languages ?? [])].map((tag) => tag.slice(0, 2).toLowerCase());
	const lang = [chosen?.value, ...phone].find((tag) => isLocale(tag)) ?? baseLocale;
	overwriteGetLocale(() => lang);
}

async function whenBackOnline(sw: ServiceWorkerGlobalScope): Promise<void> {
	const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
	if (windows.length) {
		for (const window of windows) window.postMessage(OUTBOX_SYNC_MESSAGE);
		return;
	}
	await speakTheAppsLanguage(sw);
	let report = await syncOutbox({ force: true });
	// Another run holds the phone's outbox (a window that just closed, an earlier sync event): this
	// one waits for it, then sends what is left.
	for (let tries = 0; report.outcome === 'busy' && tries < 20; tries++) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		report = await syncOutbox({ force: true });
	}
	// A failure makes the browser try this sync again later (with its own backoff); an item the
	// server refused waits for the agent, and a logged-out phone for its owner, so neither is one.
	if (['failed', 'offline', 'busy'].includes(report.outcome))
		throw new Error(`The outbox was not sent (${report.outcome}); the browser will try again`);
}

export function listenForOutboxSync(sw: ServiceWorkerGlobalScope): void {
	sw.addEventListener('sync', (event) => {
		const sync = event as SyncEvent;
		if (sync.tag !== OUTBOX_SYNC_TAG) return;
		sync.waitUntil(whenBackOnline(sw));
	});
}
