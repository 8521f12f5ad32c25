import { describe, expect, it } from 'vitest';
import { readCursor, writeCursor } from './page-cursor';

describe('keyset page cursors', () => {
	it('reads back what it wrote, microseconds included', () => {
		for (const at of [
			'2026-11-25T08:30:00.123456Z',
			'2026-11-25T08:30:00.123Z',
			'2026-11-25T08:30:00Z'
		]) {
			const cursor = { at, id: 'f22652e0-3dd8-4999-8d26-5306fde1769e' };
			expect(readCursor(writeCursor(cursor))).toEqual(cursor);
		}
	});

	it('takes a mangled cursor for the first page', () => {
		for (const bad of [
			null,
			'',
			'nonsense',
			'2026-11-25T08:30:00Z_not-a-uuid',
			'yesterday_f22652e0-3dd8-4999-8d26-5306fde1769e',
			'_f22652e0-3dd8-4999-8d26-5306fde1769e',
			"2026-11-25T08:30:00Z'::timestamptz--_f22652e0-3dd8-4999-8d26-5306fde1769e",
			'2026-13-45T08:30:00Z_f22652e0-3dd8-4999-8d26-5306fde1769e',
			'2026-02-30T08:30:00Z_f22652e0-3dd8-4999-8d26-5306fde1769e',
			'2026-11-25T08:30:00.1234567Z_f22652e0-3dd8-4999-8d26-5306fde1769e'
		]) {
			expect(readCursor(bad)).toBeUndefined();
		}
	});
});
