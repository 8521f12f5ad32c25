/**
 * The failed-attempts notice travels from the login action to the first page after it in a short
 * cookie: it only ever tells the signed-in owner what the server told them a moment ago.
 */
import { deleteCookie, setCookie, type CookieEvent } from './session';
import type { FailedLoginNotice } from './throttle';

const COOKIE = 'login_notice';

export function rememberLoginNotice(event: CookieEvent, notice: FailedLoginNotice | null): void {
	if (!notice) return;
	setCookie(event, COOKIE, `${notice.failures}.${notice.since.getTime()}`, {
		httpOnly: true,
		maxAge: 600
	});
}

/** The notice, once: reading it removes the cookie. */
export function takeLoginNotice(event: CookieEvent): { failures: number; since: string } | null {
	const value = event.cookies.get(COOKIE);
	if (!value) return null;
	deleteCookie(event, COOKIE);
	const match = /^(\d{1,6})\.(\d{1,15})$/.exec(value);
	if (!match) return null;
	return { failures: Number(match[1]), since: new Date(Number(match[2])).toISOString() };
}
