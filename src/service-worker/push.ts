/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Web push in the service worker: shows what the server sent (src/lib/server/push/sender.ts builds
 * it: title, body, url, tag) and, when it is tapped, brings an open window of the app to that page
 * or opens one. Only paths of this app are opened, whatever a message says.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;

interface PushMessage {
	title?: string;
	body?: string;
	url?: string;
	tag?: string;
}

/** A path of this app, or the start page. */
function appUrl(url: unknown): string {
	try {
		const target = new URL(typeof url === 'string' ? url : '/', sw.location.origin);
		return target.origin === sw.location.origin ? target.href : sw.location.origin + '/';
	} catch {
		return sw.location.origin + '/';
	}
}

sw.addEventListener('push', (event) => {
	let message: PushMessage;
	try {
		message = (event.data?.json() ?? {}) as PushMessage;
	} catch {
		message = { body: event.data?.text() };
	}
	event.waitUntil(
		sw.registration.showNotification(String(message.title ?? 'Mtandao').slice(0, 120), {
			body: String(message.body ?? '').slice(0, 400),
			icon: '/icons/icon-192.png',
			badge: '/icons/icon-192.png',
			tag: message.tag,
			data: { url: appUrl(message.url) }
		})
	);
});

sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const url = appUrl((event.notification.data as { url?: string } | null)?.url);
	event.waitUntil(
		(async () => {
			const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
			// The app already open: bring it forward on the page the notification is about.
			for (const client of windows) {
				if (new URL(client.url).origin !== sw.location.origin) continue;
				const focused = await client.focus();
				return focused.navigate(url).catch(() => sw.clients.openWindow(url));
			}
			return sw.clients.openWindow(url);
		})()
	);
});

export {};
