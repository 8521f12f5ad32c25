import { describe, expect, it } from 'vitest';
import { backoffMs, firstBatch, jsonBytes } from './batches';
import { SYNC_MAX_BYTES, SYNC_MAX_ITEMS } from './schemas';

const items = (sizes: number[]) => sizes.map((size, i) => ({ i, size }));
const size = (item: { size: number }) => item.size;

describe('cutting the outbox into requests', () => {
	it('sends at most 50 items at once, in order', () => {
		const batch = firstBatch(items(Array(120).fill(100)), size);
		expect(batch).toHaveLength(SYNC_MAX_ITEMS);
		expect(batch.map((b) => b.i)).toEqual([...Array(50).keys()]);
	});

	it('keeps a request within 512 KB, envelope and commas counted', () => {
		const limits = { items: 50, bytes: 100 };
		// {"items":[]} is 12 bytes: 40 + 1 + 40 = 81 fits, a third 40 does not.
		expect(firstBatch(items([40, 40, 40]), size, limits)).toHaveLength(2);
		const real = firstBatch(items(Array(50).fill(20_000)), size);
		expect(real.length * 20_000 + real.length + 12).toBeLessThanOrEqual(SYNC_MAX_BYTES);
		expect(real.length).toBe(26);
	});

	it('sends an oversized item alone, and stops before one after smaller items', () => {
		expect(firstBatch(items([SYNC_MAX_BYTES * 10, 10]), size).map((b) => b.i)).toEqual([0]);
		expect(firstBatch(items([10, SYNC_MAX_BYTES * 10]), size).map((b) => b.i)).toEqual([0]);
	});

	it('measures what is sent in bytes, not characters', () => {
		expect(jsonBytes({ name: 'Wanjirũ' })).toBe(JSON.stringify({ name: 'Wanjiru' }).length + 1);
	});
});

describe('waiting after a failed attempt', () => {
	it('doubles from 2 s up to 5 minutes', () => {
		expect([1, 2, 3, 4].map((n) => backoffMs(n, 0.5))).toEqual([2000, 4000, 8000, 16000]);
		expect(backoffMs(30, 0.5)).toBe(300_000);
	});

	it('spreads phones that fail together by ±20%', () => {
		expect(backoffMs(1, 0)).toBe(1600);
		expect(backoffMs(1, 0.999999)).toBe(2400);
	});
});
