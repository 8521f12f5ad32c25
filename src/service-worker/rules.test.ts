import { describe, expect, it } from 'vitest';
import { changesUser, isAppPage, isReferenceFile, neverCached, precacheEntries } from './rules';

const at = (path: string) => new URL(path, 'https://isp.example');

describe('what the service worker keeps', () => {
	it("keeps the staff app's pages and their SvelteKit data for offline use", () => {
		for (const path of [
			'/',
			'/login',
			'/agent',
			'/agent?source=pwa',
			'/agent/subscribers',
			'/agent/__data.json',
			'/agent/subscribers/__data.json?x-sveltekit-invalidated=01',
			'/manage/subscribers/0f3c',
			'/account/password'
		])
			expect(isAppPage(at(path)), path).toBe(true);
	});

	it("never keeps the outbox's data, the sync answer, or strangers' pages", () => {
		for (const path of [
			'/agent/data',
			'/agent/sync',
			'/agent/sync/__data.json',
			'/healthz',
			'/pay/nyota',
			'/portal/nyota/status/1',
			'/hooks/daraja/t/token/stk',
			'/agents',
			'/managers'
		])
			expect(isAppPage(at(path)), path).toBe(false);
		expect(neverCached(at('/agent/data?since=1'))).toBe(true);
		expect(isReferenceFile(at('/agent/data'), 'image')).toBe(false);
	});

	it('drops the kept pages when someone logs in or out, whatever the form action', () => {
		expect(changesUser(at('/logout'))).toBe(true);
		expect(changesUser(at('/login?/default'))).toBe(true);
		expect(changesUser(at('/language'))).toBe(false);
	});

	it('revises hashed build files by their name and the rest by the version', () => {
		expect(
			precacheEntries(
				['/_app/immutable/entry/start.abc.js', '/_app/version.json'],
				['/offline.html'],
				'v7'
			)
		).toEqual([
			{ url: '/_app/immutable/entry/start.abc.js', revision: null },
			{ url: '/_app/version.json', revision: 'v7' },
			{ url: '/offline.html', revision: 'v7' }
		]);
	});
});
