import { m } from '$lib/paraglide/messages';

/**
 * What a refused login says: how long is left, in whole minutes rounded up (a lock that ends in
 * 20 seconds is "1 minute", never "0"), and the way out that does not need waiting — a manager
 * can make a reset link on the Team page.
 */
export function lockedMessage(until: Date, now = new Date()): string {
	const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
	return minutes === 1 ? m.login_locked_minute() : m.login_locked({ minutes });
}
