import { describe, expect, it } from 'vitest';
import { problemForResultCode } from './problems';

describe('why an M-Pesa prompt failed, in words the page can say', () => {
	it('tells the customer what they did or what their phone did', () => {
		expect(problemForResultCode(1032)).toBe('cancelled');
		expect(problemForResultCode(2001)).toBe('wrong-pin');
		expect(problemForResultCode(1)).toBe('insufficient-funds');
		expect(problemForResultCode(1037)).toBe('unreachable');
		expect(problemForResultCode(1019)).toBe('timed-out');
	});

	it('groups the M-Pesa limit rules, and says something plain for a code nobody documented', () => {
		for (const code of [2, 3, 4, 8, 17]) expect(problemForResultCode(code)).toBe('limit');
		expect(problemForResultCode(1001)).toBe('prompt-open');
		expect(problemForResultCode(4242)).toBe('failed');
		expect(problemForResultCode(null)).toBe('not-started');
	});
});
