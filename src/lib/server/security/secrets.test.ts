import { describe, expect, it } from 'vitest';
import { SecretUnreadable, decryptSecret, encryptSecret } from './secrets';

describe('secrets at rest', () => {
	it('round-trips a router password and never stores it in clear', () => {
		const stored = encryptSecret('Sup3r-Secret!');
		expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(stored).not.toContain('Sup3r');
		expect(decryptSecret(stored)).toBe('Sup3r-Secret!');
	});

	it('uses a fresh nonce each time', () => {
		expect(encryptSecret('same')).not.toBe(encryptSecret('same'));
	});

	it('refuses a tampered value', () => {
		const stored = encryptSecret('router-pass');
		const parts = stored.split('.');
		const body = Buffer.from(parts[3]!, 'base64url');
		body[0] = body[0]! ^ 1;
		parts[3] = body.toString('base64url');
		expect(() => decryptSecret(parts.join('.'))).toThrow(SecretUnreadable);
		expect(() => decryptSecret('garbage')).toThrow(SecretUnreadable);
	});
});
