/**
 * Background Sync (Chrome on Android): the browser wakes the worker with the tag `agent-outbox`
 * once the phone is back online, even if the app was closed. Open windows are asked to send their
 * outbox (`{ type: 'agent-outbox-sync' }`, handled by src/lib/agent/); the outbox registers the tag.
 */
export const OUTBOX_SYNC_TAG = 'agent-outbox';
export const OUTBOX_SYNC_MESSAGE = { type: 'agent-outbox-sync' } as const;

/** Not in TypeScript's DOM library: the Background Sync event. */
interface SyncEvent extends ExtendableEvent {
	readonly tag: string;
	readonly lastChance: boolean;
}

export function listenForOutboxSync(sw: ServiceWorkerGlobalScope): void {
	sw.addEventListener('sync', (event) => {
		const sync = event as SyncEvent;
		if (sync.tag !== OUTBOX_SYNC_TAG) return;
		sync.waitUntil(
			sw.clients
				.matchAll({ type: 'window', includeUncontrolled: true })
				.then((windows) => windows.forEach((w) => w.postMessage(OUTBOX_SYNC_MESSAGE)))
		);
	});
}
