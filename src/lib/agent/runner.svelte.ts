/**
 * When the phone sends its outbox (the window side; syncOutbox itself is in sync.ts): at app start,
 * when the connection returns, when the app comes back to the front, when the service worker's
 * Background Sync asks, after each item queued, and after a failure once its backoff is over.
 */
import { syncOutbox, type SyncReport } from './sync';

export const OUTBOX_SYNC_TAG = 'agent-outbox';

/** What the pages show: the connection as the browser knows it, and the last run. */
export const outboxStatus = $state<{
	online: boolean;
	running: boolean;
	last: SyncReport | null;
	lastAt: number | null;
}>({ online: true, running: false, last: null, lastAt: null });

let started = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let again: boolean | null = null;

/** Sends now (or right after the run under way); `force` ignores the backoff. */
export async function requestSync(force = true): Promise<void> {
	if (outboxStatus.running) {
		again = (again ?? false) || force;
		return;
	}
	clearTimeout(timer);
	outboxStatus.running = true;
	let report: SyncReport;
	try {
		report = await syncOutbox({ force });
	} catch (error) {
		console.error('outbox sync', error);
		report = { outcome: 'offline' };
	} finally {
		outboxStatus.running = false;
	}
	outboxStatus.last = report;
	outboxStatus.lastAt = Date.now();
	if (again !== null) {
		const force = again;
		again = null;
		return requestSync(force);
	}
	if (report.outcome === 'busy') timer = setTimeout(() => void requestSync(force), 1_000);
	else if (report.outcome === 'failed' || report.outcome === 'waiting')
		timer = setTimeout(() => void requestSync(false), Math.max(500, report.retryAt - Date.now()));
}

/** Asks the browser to wake the service worker when the phone is online again (Chrome). */
export async function registerBackgroundSync(): Promise<void> {
	try {
		const registration = await navigator.serviceWorker?.getRegistration();
		const sync = (registration as { sync?: { register(tag: string): Promise<void> } } | undefined)
			?.sync;
		await sync?.register(OUTBOX_SYNC_TAG);
	} catch {
		// Not allowed here (no worker yet, permission): online and focus events do it instead.
	}
}

/** Starts the triggers (once per window, however many pages ask); returns the stop. */
export function startOutboxSync(): () => void {
	started++;
	if (started > 1) return stop;
	outboxStatus.online = navigator.onLine;
	const online = () => {
		outboxStatus.online = true;
		void requestSync(true);
	};
	const offline = () => {
		outboxStatus.online = false;
	};
	const visible = () => {
		if (document.visibilityState === 'visible') void requestSync(false);
	};
	const focus = () => void requestSync(false);
	const message = (event: MessageEvent) => {
		if ((event.data as { type?: unknown } | null)?.type === 'agent-outbox-sync')
			void requestSync(true);
	};
	window.addEventListener('online', online);
	window.addEventListener('offline', offline);
	window.addEventListener('focus', focus);
	document.addEventListener('visibilitychange', visible);
	navigator.serviceWorker?.addEventListener('message', message);
	cleanup = () => {
		window.removeEventListener('online', online);
		window.removeEventListener('offline', offline);
		window.removeEventListener('focus', focus);
		document.removeEventListener('visibilitychange', visible);
		navigator.serviceWorker?.removeEventListener('message', message);
		clearTimeout(timer);
	};
	void requestSync(true);
	return stop;
}

let cleanup = () => {};
function stop() {
	started--;
	if (started === 0) cleanup();
}
