import { describe, expect, it } from 'vitest';
import { auditActionLabel, auditTarget } from './labels';

describe('the activity feed in words', () => {
	it('says a known action in words and shows an unknown one as stored', () => {
		expect(auditActionLabel('payment.cash')).toBe('Cash payment recorded');
		expect(auditActionLabel('platform.drilldown')).toBe('Platform admin opened this tenant');
		expect(auditActionLabel('something.new')).toBe('something.new');
		expect(auditActionLabel('toString')).toBe('toString');
	});

	it('names the subscriber when the database found one, and cuts bare ids short', () => {
		const id = 'f22652e0-3dd8-4999-8d26-5306fde1769e';
		expect(auditTarget({ target: id, targetName: 'Fatuma Hassan' })).toBe('Fatuma Hassan');
		expect(auditTarget({ target: id, targetName: null })).toBe('f22652e0');
		expect(auditTarget({ target: `${id},${id}` })).toBe('f22652e0,f22652e0');
		expect(auditTarget({ target: 'Nyota Net HQ' })).toBe('Nyota Net HQ');
		expect(auditTarget({ target: null })).toBe('');
	});
});
