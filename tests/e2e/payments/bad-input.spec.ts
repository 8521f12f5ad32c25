import { expect, test } from '@playwright/test';
import * as playwright from '@playwright/test';
import { apiAs } from '../fixtures/login';

/** The field as the page renders it after a refused form: marked invalid, with its message. */
function field(html: string, name: string) {
	return {
		input: new RegExp(`<input id="field-${name}"[^>]*>`).exec(html)?.[0] ?? '',
		message: new RegExp(`<p class="error" id="field-${name}-error">([^<]*)</p>`).exec(html)?.[1]
	};
}

test('a 13-character account reference gets a 400 and a message beside the field', async ({
	baseURL
}) => {
	const anon = await apiAs(playwright, baseURL!);
	const response = await anon.post('/pay/nyota?/find', { form: { account: '1234567890123' } });
	expect(response.status()).toBe(400);
	const account = field(await response.text(), 'account');
	expect(account.input).toContain('aria-invalid="true"');
	expect(account.input).toContain('value="1234567890123"');
	expect(account.message).toBe('An account number has at most 12 characters.');
	await anon.dispose();
});

test('an account nobody has gets a 404 and says so beside the field', async ({ baseURL }) => {
	const anon = await apiAs(playwright, baseURL!);
	const response = await anon.post('/pay/nyota?/find', { form: { account: '000000' } });
	expect(response.status()).toBe(404);
	expect(field(await response.text(), 'account').message).toBe(
		'We could not find an account with that number. Check it and try again.'
	);
	await anon.dispose();
});

test('a paying phone of the wrong shape is refused field by field, and no prompt is sent', async ({
	baseURL
}) => {
	const anon = await apiAs(playwright, baseURL!);
	const found = await (
		await anon.post('/pay/nyota?/find', { form: { account: '0712 000 103' } })
	).text();
	// Step 2 carries what was typed in step 1 (here the phone), not the account number it found.
	const account = /<input type="hidden" name="account" value="([^"]+)"/.exec(found)?.[1];
	const packageId = /<input type="radio" name="packageId" value="([0-9a-f-]{36})"[^>]*checked/.exec(
		found
	)?.[1];
	expect(account).toBeTruthy();
	for (const phone of ['0712', '0612345678', '+1 202 555 0100', '07123456789']) {
		const response = await anon.post('/pay/nyota?/pay', {
			form: { account: account!, packageId: packageId!, phone }
		});
		expect(response.status(), phone).toBe(400);
		const html = await response.text();
		expect(field(html, 'phone').message, phone).toBe('Enter an M-Pesa number like 0712 345 678.');
		// Still on step 2, for the same account.
		expect(html).toContain(`name="account" value="${account}"`);
	}
	await anon.dispose();
});

test('the portal refuses a wrong phone and a missing package with field messages', async ({
	baseURL
}) => {
	const anon = await apiAs(playwright, baseURL!);
	const page = await (await anon.get('/portal/nyota?mac=02:00:00:00:00:01&ip=10.5.50.9')).text();
	const packageId = /name="packageId" value="([0-9a-f-]{36})"/.exec(page)?.[1];
	const badPhone = await anon.post('/portal/nyota', {
		form: { phone: '0712 34', packageId: packageId!, mac: '02:00:00:00:00:01', ip: '10.5.50.9' }
	});
	expect(badPhone.status()).toBe(400);
	const html = await badPhone.text();
	expect(field(html, 'phone').message).toBe('Enter your M-Pesa number like 0712 345 678.');
	expect(html).toContain('name="mac" value="02:00:00:00:00:01"');
	const noPackage = await anon.post('/portal/nyota', {
		form: { phone: '0712 345 678', packageId: '' }
	});
	expect(noPackage.status()).toBe(400);
	expect(await noPackage.text()).toContain('Tap a package.');
	const tampered = await anon.post('/portal/nyota', {
		form: { phone: '0712 345 678', packageId: packageId!, 'link-login-only': 'javascript:alert(1)' }
	});
	expect(tampered.status()).toBe(400);
	await anon.dispose();
});

test('an unknown network or payment is a 404 page, not a stack trace', async ({ request }) => {
	for (const path of [
		'/pay/no-such-isp',
		'/portal/no-such-isp',
		'/pay/nyota/status/6f1c1d52-2a8e-4f6e-9d55-0c7d7f1b2a31',
		'/portal/nyota/status/6f1c1d52-2a8e-4f6e-9d55-0c7d7f1b2a31'
	]) {
		const response = await request.get(path);
		expect(response.status(), path).toBe(404);
		expect(await response.text(), path).not.toMatch(/at \w+ \(|node_modules/);
	}
	const json = await request.get(
		'/pay/nyota/status/6f1c1d52-2a8e-4f6e-9d55-0c7d7f1b2a31/state.json'
	);
	expect(json.status()).toBe(404);
});

test('a form body that cannot be read gets a 400, not a 500', async ({ baseURL }) => {
	const anon = await apiAs(playwright, baseURL!);
	for (const path of ['/pay/nyota?/find', '/portal/nyota']) {
		const response = await anon.post(path, {
			headers: { 'content-type': 'multipart/form-data; boundary=----mtandao', origin: baseURL! },
			data: '------mtandao\r\nContent-Disposition: form-data; name="account"\r\n\r\n1234'
		});
		expect(response.status(), path).toBe(400);
		expect(await response.json()).toMatchObject({ message: 'The form could not be read' });
	}
	await anon.dispose();
});

test('a page that does not exist says so in the visitor’s language', async ({ request }) => {
	for (const [lang, words] of [
		['sw', 'Hakuna kitu kwenye anwani hii.'],
		['en', 'There is nothing at this address.']
	]) {
		const response = await request.get('/portal/nyota/status/not-a-payment', {
			headers: { cookie: `lang=${lang}`, accept: 'text/html' }
		});
		expect(response.status(), lang).toBe(404);
		expect(await response.text(), lang).toContain(words);
	}
});
