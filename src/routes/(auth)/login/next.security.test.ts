import { describe, expect, it } from 'vitest';
import { load } from './+page.server';

const ORIGIN = 'https://billing.example.co.ke';

function nextFor(next: string): unknown {
	const url = new URL(`${ORIGIN}/login`);
	url.searchParams.set('next', next);
	return (load as unknown as (e: { locals: App.Locals; url: URL }) => { next: string })({
		locals: { user: null, session: null, tenantId: null } as App.Locals,
		url
	}).next;
}

describe('/login?next=', () => {
	it('keeps a path on this site for after the login', () => {
		expect(nextFor('/manage/subscribers?q=otieno')).toBe('/manage/subscribers?q=otieno');
	});

	it.each([
		'/\t/evil.example',
		'/\n/evil.example',
		'/\\evil.example',
		'//evil.example',
		'https:evil.example',
		'https://evil.example',
		'/..//evil.example'
	])('drops %j', (next) => {
		expect(nextFor(next)).toBe('');
	});
});
