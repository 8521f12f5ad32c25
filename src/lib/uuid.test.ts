import { describe, expect, it } from 'vitest';
import { UUIDS_IN_TEXT, isUuid } from './uuid';

describe('the UUID pattern', () => {
	it('takes a whole UUID in either case and nothing around it', () => {
		expect(isUuid('f22652e0-3dd8-4999-8d26-5306fde1769e')).toBe(true);
		expect(isUuid('F22652E0-3DD8-4999-8D26-5306FDE1769E')).toBe(true);
		expect(isUuid(' f22652e0-3dd8-4999-8d26-5306fde1769e')).toBe(false);
		expect(isUuid('f22652e0-3dd8-4999-8d26-5306fde1769')).toBe(false);
		expect(isUuid('')).toBe(false);
	});

	it('finds every UUID in a text, however often it is used', () => {
		const text = 'a f22652e0-3dd8-4999-8d26-5306fde1769e b 00000000-0000-4000-8000-000000000000';
		expect(text.replace(UUIDS_IN_TEXT, 'X')).toBe('a X b X');
		expect(text.replace(UUIDS_IN_TEXT, 'X')).toBe('a X b X');
	});
});
