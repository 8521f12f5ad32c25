import { describe, expect, it } from 'vitest';
import { speedLabel } from './labels';

describe('speedLabel', () => {
	it('reads the download side (tx) first, and the upload only when it differs', () => {
		expect(speedLabel('2M/5M')).toBe('Speed up to 5 Mbps (upload 2 Mbps)');
		expect(speedLabel('5M/5M')).toBe('Speed up to 5 Mbps');
		expect(speedLabel('512k/1M')).toBe('Speed up to 1 Mbps (upload 512 kbps)');
	});

	it('turns plain bits per second and fractions into words, and leaves burst settings out', () => {
		expect(speedLabel('1500000/3000000')).toBe('Speed up to 3 Mbps (upload 1.5 Mbps)');
		expect(speedLabel('2M/10M 4M/20M 1M/5M 10/10')).toBe('Speed up to 10 Mbps (upload 2 Mbps)');
		expect(speedLabel('1G')).toBe('Speed up to 1 Gbps');
	});

	it('says there is no limit for 0/0 or nothing, and shows anything else as typed', () => {
		expect(speedLabel('0/0')).toBe('No speed limit');
		expect(speedLabel('')).toBe('No speed limit');
		expect(speedLabel('fast')).toBe('fast');
	});
});
