import { describe, expect, it } from 'vitest';
import { readCursor, writeCursor } from './page-cursor';

describe('keyset page cursors', () => {
	it('reads back what it wrote', () => {
		const row = { createdAt: new Date('2026-11-25T08:30:00.123Z'), id: 'f22652e0-3dd8-4999-8d26-5306fde1769e' };
		expect(readCursor(writeCursor(row))).toEqual(row);
	});

	it('takes a mangled cursor for the first page', () => {
		for (const bad of [null, '', 'nonsense', '2026-11-25T08:30:00Z_not-a-uuid', 'yesterday_f22652e0-3dd8-4999-8d26-5306fde1769e', '_f22652e0-3dd8-4999-8d26-5306fde1769e']) {
			expect(readCursor(bad)).toBeUndefined();
		}
	});
});
