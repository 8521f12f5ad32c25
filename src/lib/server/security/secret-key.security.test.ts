import { afterEach, describe, expect, it } from 'vitest';
import { secretKeyWarning } from './secrets';

const saved = process.env.SECRET_KEY;
afterEach(() => {
	if (saved === undefined) delete process.env.SECRET_KEY;
	else process.env.SECRET_KEY = saved;
});

describe('the key that encrypts M-Pesa keys and router passwords', () => {
	it('is warned about in one line at a production start without SECRET_KEY, naming the key file to back up', () => {
		delete process.env.SECRET_KEY;
		process.env.SECRET_KEY_FILE = '/srv/mtandao/secret.key';
		expect(secretKeyWarning('production')).toMatch(
			/^Warning: SECRET_KEY is not set[^\n]*\/srv\/mtandao\/secret\.key[^\n]*$/
		);
		delete process.env.SECRET_KEY_FILE;
	});

	it('is not warned about when SECRET_KEY is set, nor in the demo', () => {
		process.env.SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
		expect(secretKeyWarning('production')).toBeNull();
		delete process.env.SECRET_KEY;
		expect(secretKeyWarning('demo')).toBeNull();
	});
});
