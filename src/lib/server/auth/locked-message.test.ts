import { describe, expect, it } from 'vitest';
import { lockedMessage } from './locked-message';

const now = new Date('2026-12-03T10:00:00Z');
const after = (ms: number) => new Date(now.getTime() + ms);

describe('lockedMessage', () => {
	it('says the minutes left, rounded up', () => {
		expect(lockedMessage(after(14 * 60_000 + 1), now)).toContain('Try again in 15 minutes');
		expect(lockedMessage(after(2 * 60_000), now)).toContain('Try again in 2 minutes');
	});

	it('says one minute, never zero, when less than a minute is left', () => {
		expect(lockedMessage(after(20_000), now)).toContain('Try again in 1 minute,');
		expect(lockedMessage(after(-5_000), now)).toContain('Try again in 1 minute,');
	});

	it('says what to do instead of waiting', () => {
		expect(lockedMessage(after(60_000 * 10), now)).toContain('ask a manager for a reset link');
	});
});
