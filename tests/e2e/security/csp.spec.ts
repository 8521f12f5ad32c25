import { expect, test, type Page } from '@playwright/test';
import { LoginPage, LOGINS } from '../fixtures/login';
import { TopUpPage } from '../payments/self-service-pages';

/** Every CSP refusal the browser reports while the test runs. */
function cspViolations(page: Page): string[] {
	const seen: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy|Refused to/i.test(message.text())) seen.push(message.text());
	});
	return seen;
}

function directives(policy: string | undefined): Record<string, string> {
	return Object.fromEntries(
		(policy ?? '')
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((d) => d[0])
			.map(([name, ...rest]) => [name!, rest.join(' ')])
	);
}

function expectLockedDown(headers: Record<string, string>) {
	const csp = directives(headers['content-security-policy']);
	expect(csp['script-src']).toMatch(/'nonce-[^']+'/);
	expect(csp['script-src']).not.toContain('unsafe-inline');
	expect(csp['frame-ancestors']).toBe("'none'");
	expect(csp['form-action']).toMatch(/^'self'/);
	expect(csp['object-src']).toBe("'none'");
	expect(headers['x-frame-options']).toBe('DENY');
	// Served over plain http here: no HSTS (browsers ignore it on http, and it must not pin the demo).
	expect(headers['strict-transport-security']).toBeUndefined();
	return csp;
}

test('a staff page has the policy and the framing rules, and works without a CSP refusal', async ({
	page
}) => {
	const violations = cspViolations(page);
	await new LoginPage(page).logIn(LOGINS.nyotaManager);
	await expect(page).toHaveURL(/\/manage$/);
	const answer = await page.goto('/manage/subscribers');
	expectLockedDown(answer!.headers());
	await page.waitForLoadState('networkidle');
	// Client-side navigation needs the hydrated app: its scripts ran under the policy.
	await page
		.getByRole('link', { name: /Packages|Vifurushi/ })
		.first()
		.click();
	await expect(page).toHaveURL(/\/manage\/packages/);
	expect(violations).toEqual([]);
});

test('the top-up page has the policy and still finds a subscriber with JavaScript', async ({
	page
}) => {
	const violations = cspViolations(page);
	const answer = await page.goto('/pay/nyota');
	const csp = expectLockedDown(answer!.headers());
	expect(csp['form-action']).toBe("'self'");
	await page.waitForLoadState('networkidle');
	await new TopUpPage(page).find('0712 000 103');
	await expect(page.getByTestId('payer-name')).toBeVisible();
	expect(violations).toEqual([]);
});

test("the captive portal may not be framed, and may post only to us and to the hotspot's own login page", async ({
	page
}) => {
	const violations = cspViolations(page);
	const query = new URLSearchParams({
		mac: '02:00:00:AA:BB:CC',
		ip: '10.5.50.23',
		'link-login-only': 'http://10.5.50.1/login',
		'link-orig': 'http://example.com/'
	});
	const answer = await page.goto(`/portal/nyota?${query}`);
	const csp = expectLockedDown(answer!.headers());
	expect(csp['form-action']).toBe("'self' http://10.5.50.1");
	await page.waitForLoadState('networkidle');
	await expect(page.getByRole('button').first()).toBeVisible();
	// A login address off the hotspot network is neither shown nor allowed.
	const elsewhere = await page.request.get(
		`/portal/nyota?${new URLSearchParams({ 'link-login-only': 'http://evil.example/login' })}`
	);
	expect(directives(elsewhere.headers()['content-security-policy'])['form-action']).toBe("'self'");
	expect(elsewhere.headers()['x-frame-options']).toBe('DENY');
	expect(violations).toEqual([]);
});

test('a page of ours cannot be put in a frame', async ({ page, baseURL }) => {
	const violations = cspViolations(page);
	await page.setContent(`<iframe src="${baseURL}/pay/nyota" width="300" height="300"></iframe>`);
	// The browser reports the refusal once it has the framed page's answer.
	await expect
		.poll(() => violations.join('\n'))
		.toMatch(/frame-ancestors|X-Frame-Options|Refused to display/i);
	const frame = page.frames().find((f) => f.url().includes('/pay/nyota'));
	const framed = frame
		? await frame
				.locator('body')
				.innerText()
				.catch(() => '')
		: '';
	expect(framed).not.toContain('Nyota');
	expect(violations.join('\n')).toMatch(/frame-ancestors|X-Frame-Options|Refused to display/i);
});
