import { describe, expect, it } from 'vitest';
import type { Cookies } from '@sveltejs/kit';
import {
	LANGUAGE_COOKIE,
	SESSION_COOKIE,
	deleteSessionTokenCookie,
	setLanguageCookie,
	setSessionTokenCookie
} from './session';
import { rememberLoginNotice, takeLoginNotice } from './login-notice';

type Options = Parameters<Cookies['set']>[2];

function requestTo(origin: string) {
	const set: Record<string, Options> = {};
	const cookies = {
		set: (name: string, _value: string, options: Options) => void (set[name] = options),
		get: (name: string) => (name === 'login_notice' ? `3.${Date.now()}` : undefined)
	} as unknown as Cookies;
	return { event: { cookies, url: new URL(`${origin}/login`) }, set };
}

function setEveryCookie(origin: string) {
	const { event, set } = requestTo(origin);
	setSessionTokenCookie(event, 'token', new Date(Date.now() + 60_000));
	setLanguageCookie(event, 'sw');
	rememberLoginNotice(event, { failures: 3, since: new Date() });
	const deleted = requestTo(origin);
	deleteSessionTokenCookie(deleted.event);
	expect(takeLoginNotice(deleted.event)?.failures).toBe(3);
	return { set, deleted: deleted.set };
}

describe('cookie flags', () => {
	it('are Secure over https, for the session, the language and the login notice, set or deleted', () => {
		const { set, deleted } = setEveryCookie('https://billing.example.co.ke');
		expect(Object.keys(set).sort()).toEqual(
			[LANGUAGE_COOKIE, 'login_notice', SESSION_COOKIE].sort()
		);
		for (const [name, options] of Object.entries(set)) expect(options.secure, name).toBe(true);
		expect(deleted[SESSION_COOKIE]?.secure).toBe(true);
		expect(deleted['login_notice']).toMatchObject({ secure: true, maxAge: 0, path: '/' });
		expect(set[SESSION_COOKIE]).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
	});

	it('are not Secure over plain http (the demo on a laptop), where a Secure cookie would not be kept', () => {
		const { set, deleted } = setEveryCookie('http://127.0.0.1:3000');
		for (const [name, options] of Object.entries(set)) expect(options.secure, name).toBe(false);
		expect(deleted[SESSION_COOKIE]?.secure).toBe(false);
		// Read once: the notice's removal is not Secure either, or the browser would keep the cookie.
		expect(deleted['login_notice']).toMatchObject({ secure: false, maxAge: 0, path: '/' });
	});
});
