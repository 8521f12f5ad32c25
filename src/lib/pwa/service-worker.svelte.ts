/**
 * Registers the service worker (src/service-worker/) with workbox-window and says when a new
 * version is waiting. The new version takes over only when the user asks (`applyUpdate`): an agent
 * halfway through a registration form is never reloaded by a deployment.
 */
import { Workbox } from 'workbox-window';

/** How often an open app asks the server for a new version, besides each return to the app. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export const serviceWorker = $state({ waiting: false, updating: false });

let workbox: Workbox | undefined;

export function startServiceWorker(): void {
	if (workbox || !('serviceWorker' in navigator)) return;
	workbox = new Workbox('/service-worker.js');
	const wb = workbox;
	// Also when a version was already waiting before this page opened (another tab found it).
	wb.addEventListener('waiting', () => {
		serviceWorker.waiting = true;
	});
	void wb.register().catch(() => {
		// No worker (private mode, an old browser): the app still works online.
	});
	const check = () => void wb.update().catch(() => {});
	setInterval(check, UPDATE_CHECK_MS);
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'visible') check();
	});
}

/** The user tapped "Update": let the waiting version take over, and reload once it controls. */
export function applyUpdate(): void {
	if (!workbox || serviceWorker.updating) return;
	serviceWorker.updating = true;
	let reloaded = false;
	navigator.serviceWorker.addEventListener('controllerchange', () => {
		if (reloaded) return;
		reloaded = true;
		location.reload();
	});
	workbox.messageSkipWaiting();
}

/**
 * Forget the pages kept for offline use (the worker also does this itself when /login or /logout
 * is posted); for a change of user the worker cannot see.
 */
export function forgetOfflinePages(): void {
	navigator.serviceWorker?.controller?.postMessage({ type: 'clear-pages' });
}
