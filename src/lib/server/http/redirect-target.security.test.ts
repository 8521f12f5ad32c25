import { describe, expect, it } from 'vitest';
import { safeRedirectTarget } from './redirect-target';

const ORIGIN = 'https://billing.example.co.ke';

/** What a browser makes of a Location header sent from our origin: the host it would open. */
function hostOpened(location: string): string {
	// The WHATWG parser is what browsers use: it strips tabs and newlines and reads \ as /.
	return new URL(location, ORIGIN).host;
}

describe('safeRedirectTarget', () => {
	it('keeps paths on this site, with their query and fragment', () => {
		expect(safeRedirectTarget('/manage', ORIGIN)).toBe('/manage');
		expect(safeRedirectTarget('/manage/subscribers?q=otieno&page=2#list', ORIGIN)).toBe(
			'/manage/subscribers?q=otieno&page=2#list'
		);
		expect(safeRedirectTarget('/pay/nyota', `${ORIGIN}/language`)).toBe('/pay/nyota');
		expect(safeRedirectTarget('/a/../manage', ORIGIN)).toBe('/manage');
		// Encoded slashes stay encoded: a path on this site, never read as a host.
		expect(safeRedirectTarget('/%2F%2Fevil.example', ORIGIN)).toBe('/%2F%2Fevil.example');
	});

	const attacks = [
		'/\t/evil.example',
		'/\n/evil.example',
		'/\r\n/evil.example',
		'/\t\t/evil.example/login',
		'//evil.example',
		'///evil.example',
		'/\\evil.example',
		'\\/evil.example',
		'/\\/evil.example',
		'\\\\evil.example',
		'https:evil.example',
		'https://evil.example',
		'http:/evil.example',
		'javascript:alert(1)',
		'data:text/html,<script>alert(1)</script>',
		'evil.example',
		'/..//evil.example',
		'/%2e%2e//evil.example',
		'/./..//evil.example',
		' //evil.example',
		'/ /evil.example',
		'\u0000//evil.example',
		'/\u0000/evil.example',
		'//evil.example@billing.example.co.ke',
		`${ORIGIN}@evil.example`,
		'',
		'/'.padEnd(3000, 'a')
	];

	it.each(attacks)('refuses %j', (target) => {
		expect(safeRedirectTarget(target, ORIGIN)).toBeNull();
	});

	it('never returns anything a browser would open on another host', () => {
		for (const target of attacks) {
			const kept = safeRedirectTarget(target, ORIGIN);
			if (kept !== null) expect(hostOpened(kept)).toBe('billing.example.co.ke');
		}
		// The attacks are real: read naively, these leave the site.
		expect(hostOpened('/\t/evil.example')).toBe('evil.example');
		expect(hostOpened('/\\evil.example')).toBe('evil.example');
	});

	it('refuses what is not a string', () => {
		for (const value of [null, undefined, 42, ['/manage'], new File([], '/manage')])
			expect(safeRedirectTarget(value, ORIGIN)).toBeNull();
	});
});
