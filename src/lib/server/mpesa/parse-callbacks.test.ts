import { describe, expect, it } from 'vitest';
import { normalizeAccountRef, parseC2bPayment, parseStkCallback } from './parse-callbacks';

const success = {
	Body: {
		stkCallback: {
			MerchantRequestID: '29115-34620561-1',
			CheckoutRequestID: 'ws_CO_191220191020363925',
			ResultCode: 0,
			ResultDesc: 'The service request is processed successfully.',
			CallbackMetadata: {
				Item: [
					{ Name: 'Amount', Value: 1.0 },
					{ Name: 'MpesaReceiptNumber', Value: 'NLJ7RT61SV' },
					{ Name: 'Balance' },
					{ Name: 'TransactionDate', Value: 20191219102115 },
					{ Name: 'PhoneNumber', Value: 254708374149 }
				]
			}
		}
	}
};

const c2b = {
	TransactionType: 'Pay Bill',
	TransID: 'RKTQDM7W6S',
	TransTime: '20191122063845',
	TransAmount: '10.00',
	BusinessShortCode: '600638',
	BillRefNumber: '  mt-00 12 ',
	InvoiceNumber: '',
	OrgAccountBalance: '49197.00',
	ThirdPartyTransID: '',
	MSISDN: '254708374149',
	FirstName: 'John',
	MiddleName: '',
	LastName: 'Doe'
};

describe('STK callback parser', () => {
	it('reads a success callback whose Balance item has no Value', () => {
		const parsed = parseStkCallback(success);
		expect(parsed).toEqual({
			ok: true,
			value: {
				merchantRequestId: '29115-34620561-1',
				checkoutRequestId: 'ws_CO_191220191020363925',
				resultCode: 0,
				resultDesc: 'The service request is processed successfully.',
				amount: 1,
				receipt: 'NLJ7RT61SV',
				phone: '254708374149',
				transactionDate: new Date('2019-12-19T07:21:15Z')
			}
		});
	});

	it('reads a cancelled payment that carries no metadata', () => {
		const parsed = parseStkCallback({
			Body: {
				stkCallback: {
					MerchantRequestID: 'm-1',
					CheckoutRequestID: 'ws_CO_1',
					ResultCode: 1032,
					ResultDesc: 'Request cancelled by user'
				}
			}
		});
		expect(parsed).toEqual({
			ok: true,
			value: {
				merchantRequestId: 'm-1',
				checkoutRequestId: 'ws_CO_1',
				resultCode: 1032,
				resultDesc: 'Request cancelled by user'
			}
		});
	});

	it('rejects a malformed body with messages per field', () => {
		const parsed = parseStkCallback({
			Body: { stkCallback: { MerchantRequestID: 'm-1', ResultCode: 'zero' } }
		});
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(Object.keys(parsed.error.fieldErrors)).toEqual(
			expect.arrayContaining([
				'Body.stkCallback.CheckoutRequestID',
				'Body.stkCallback.ResultCode',
				'Body.stkCallback.ResultDesc'
			])
		);
	});

	it('rejects a body that is not an STK callback at all', () => {
		const parsed = parseStkCallback('hello');
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error.fieldErrors['(body)']).toBeDefined();
	});

	it('rejects numbers and ids no real callback carries, each with a field message', () => {
		const withCallback = (
			fields: Record<string, unknown>,
			items: { Name: string; Value?: unknown }[] = success.Body.stkCallback.CallbackMetadata.Item
		) => ({
			Body: {
				stkCallback: { ...success.Body.stkCallback, ...fields, CallbackMetadata: { Item: items } }
			}
		});
		const item = (name: string, value: unknown): { Name: string; Value?: unknown }[] =>
			success.Body.stkCallback.CallbackMetadata.Item.map((i) =>
				i.Name === name ? { Name: name, Value: value } : i
			);
		const cases: [unknown, string][] = [
			[withCallback({ ResultCode: 99_999_999_999 }), 'Body.stkCallback.ResultCode'],
			[withCallback({ ResultCode: '99999999999' }), 'Body.stkCallback.ResultCode'],
			[withCallback({ CheckoutRequestID: 'ws_CO_1\u0000' }), 'Body.stkCallback.CheckoutRequestID'],
			[withCallback({ MerchantRequestID: 'x'.repeat(101) }), 'Body.stkCallback.MerchantRequestID'],
			[withCallback({}, item('Amount', 1e20)), 'CallbackMetadata.Amount'],
			[
				withCallback({}, item('MpesaReceiptNumber', 'NLJ7 RT61\u0000')),
				'CallbackMetadata.MpesaReceiptNumber'
			]
		];
		for (const [body, field] of cases) {
			const parsed = parseStkCallback(body);
			expect(parsed.ok, field).toBe(false);
			if (!parsed.ok) expect(Object.keys(parsed.error.fieldErrors), field).toContain(field);
		}
		expect(parseStkCallback(withCallback({}, item('Amount', 1_000_000))).ok).toBe(true);
	});

	it('rejects a success callback without a receipt number', () => {
		const broken = structuredClone(success);
		broken.Body.stkCallback.CallbackMetadata.Item =
			broken.Body.stkCallback.CallbackMetadata.Item.filter(
				(item) => item.Name !== 'MpesaReceiptNumber'
			);
		const parsed = parseStkCallback(broken);
		expect(parsed.ok).toBe(false);
	});
});

describe('C2B payment parser', () => {
	it('turns "10.00" into 10 shillings and tidies the account number', () => {
		const parsed = parseC2bPayment(c2b);
		expect(parsed.ok).toBe(true);
		if (!parsed.ok) return;
		expect(parsed.value).toMatchObject({
			transId: 'RKTQDM7W6S',
			amount: 10,
			shortcode: '600638',
			billRefNumber: 'mt-00 12',
			accountKey: 'MT0012',
			phone: '254708374149',
			customerName: 'John Doe'
		});
		expect(parsed.value.transTime.toISOString()).toBe('2019-11-22T03:38:45.000Z');
	});

	it('keeps a masked MSISDN as sent without pretending it is a phone', () => {
		const parsed = parseC2bPayment({ ...c2b, MSISDN: '2547 ***** 149' });
		expect(parsed.ok && parsed.value).toMatchObject({ msisdn: '2547 ***** 149', phone: null });
	});

	it('rejects a fractional amount as invalid', () => {
		const parsed = parseC2bPayment({ ...c2b, TransAmount: '10.50' });
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error.fieldErrors.TransAmount).toBeDefined();
	});

	it('rejects an amount no M-Pesa payment carries, and a TransID that is not one', () => {
		for (const [fields, field] of [
			[{ TransAmount: '99999999999' }, 'TransAmount'],
			[{ TransAmount: '1000001.00' }, 'TransAmount'],
			[{ TransID: 'RKT QDM\u0000' }, 'TransID']
		] as const) {
			const parsed = parseC2bPayment({ ...c2b, ...fields });
			expect(parsed.ok, field).toBe(false);
			if (!parsed.ok) expect(parsed.error.fieldErrors[field], field).toBeDefined();
		}
		expect(parseC2bPayment({ ...c2b, TransAmount: '250000.00' }).ok).toBe(true);
	});

	it('rejects a body missing TransID with a field message', () => {
		const { TransID: _dropped, ...rest } = c2b;
		const parsed = parseC2bPayment(rest);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.error.fieldErrors.TransID).toBeDefined();
	});
});

describe('account reference matching', () => {
	it('ignores case, spaces and dashes', () => {
		expect(normalizeAccountRef(' mt-00 12')).toBe(normalizeAccountRef('MT0012'));
	});
});
