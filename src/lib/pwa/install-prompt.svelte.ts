/**
 * Chrome offers to install the app with `beforeinstallprompt`; the app keeps the event and shows
 * its own "Install app" card instead of the browser's mini bar. "Not now" is remembered on the phone.
 */

/** Not in TypeScript's DOM library. */
interface BeforeInstallPromptEvent extends Event {
	prompt(): Promise<void>;
	readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export const DISMISSED_KEY = 'mtandao:install-dismissed';

export const install = $state({ available: false, dismissed: false });

let deferred: BeforeInstallPromptEvent | undefined;
let listening = false;

function rememberedDismissal(): boolean {
	try {
		return localStorage.getItem(DISMISSED_KEY) === '1';
	} catch {
		return false;
	}
}

export function listenForInstallPrompt(): void {
	if (listening) return;
	listening = true;
	install.dismissed = rememberedDismissal();
	addEventListener('beforeinstallprompt', (event) => {
		event.preventDefault();
		deferred = event as BeforeInstallPromptEvent;
		install.available = true;
	});
	addEventListener('appinstalled', () => {
		deferred = undefined;
		install.available = false;
	});
}

export async function promptInstall(): Promise<void> {
	const event = deferred;
	if (!event) return;
	deferred = undefined;
	install.available = false;
	await event.prompt();
	const { outcome } = await event.userChoice;
	if (outcome === 'dismissed') dismissInstall();
}

export function dismissInstall(): void {
	install.dismissed = true;
	try {
		localStorage.setItem(DISMISSED_KEY, '1');
	} catch {
		// Storage refused (private mode): dismissed for this visit only.
	}
}
