import { describe, expect, it } from 'vitest';
import { formatMsisdn, normalizeMsisdn } from './phone';

describe('normalizeMsisdn', () => {
	it.each([
		['0712345678', '254712345678'],
		['0712 345 678', '254712345678'],
		['+254712345678', '254712345678'],
		['254712345678', '254712345678'],
		['0110123456', '254110123456'],
		['712345678', '254712345678'],
		['+254 (712) 345-678', '254712345678']
	])('reads %s as %s', (input, expected) => {
		expect(normalizeMsisdn(input)).toBe(expected);
	});

	it.each([
		'0712',
		'071234567',
		'07123456789',
		'0212345678',
		'+255712345678',
		'2547123456789',
		'abc',
		'',
		'0712-34a-678'
	])('refuses %s', (input) => {
		expect(normalizeMsisdn(input)).toBeNull();
	});

	it('writes a number back the way Kenyans do', () => {
		expect(formatMsisdn('254712345678')).toBe('0712 345 678');
	});
});
