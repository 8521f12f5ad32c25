/**
 * Secrets at rest (router passwords, M-Pesa keys): AES-256-GCM with a key from the environment
 * (SECRET_KEY, 32 bytes in base64), or, for the demo, a key generated on first start and kept in a
 * file outside the repository (SECRET_KEY_FILE, default ~/.config/mtandao/secret.key, mode 0600).
 *
 * Stored form: `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The version lets the key rotate later.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { secretKeySource } from '../config';

const ALGORITHM = 'aes-256-gcm';
let key: Buffer | undefined;

function parseKey(text: string, source: string): Buffer {
	const bytes = Buffer.from(text.trim(), 'base64');
	if (bytes.length !== 32) throw new Error(`${source} must be 32 bytes in base64`);
	return bytes;
}

export function secretKeyFile(): string {
	return secretKeySource().file;
}

/**
 * A production start without SECRET_KEY works from a key file on this machine: losing that file
 * (a new container, a rebuilt server) leaves every stored M-Pesa key and router password unreadable.
 * Said once at start-up, in one line; null when the key comes from the environment or in the demo.
 */
export function secretKeyWarning(mode: 'demo' | 'production'): string | null {
	if (mode !== 'production' || secretKeySource().key) return null;
	return `Warning: SECRET_KEY is not set, so M-Pesa keys and router passwords are encrypted with the key file ${secretKeyFile()}; back it up, or set SECRET_KEY (32 bytes in base64) from your secret store.`;
}

function loadKey(): Buffer {
	const { key: configured } = secretKeySource();
	if (configured) return parseKey(configured, 'SECRET_KEY');
	const file = secretKeyFile();
	if (existsSync(file)) return parseKey(readFileSync(file, 'utf8'), file);
	const fresh = randomBytes(32);
	mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
	writeFileSync(file, fresh.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
	console.log(`Generated a secret key for encrypting passwords at rest: ${file}`);
	return fresh;
}

function currentKey(): Buffer {
	key ??= loadKey();
	return key;
}

export function encryptSecret(plain: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv(ALGORITHM, currentKey(), iv);
	const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return [
		'v1',
		iv.toString('base64url'),
		cipher.getAuthTag().toString('base64url'),
		body.toString('base64url')
	].join('.');
}

export class SecretUnreadable extends Error {
	constructor() {
		super(
			'A stored secret could not be decrypted: the secret key changed or the value was altered'
		);
	}
}

export function decryptSecret(stored: string): string {
	const [version, iv, tag, body] = stored.split('.');
	if (version !== 'v1' || !iv || !tag || body === undefined) throw new SecretUnreadable();
	try {
		const decipher = createDecipheriv(ALGORITHM, currentKey(), Buffer.from(iv, 'base64url'));
		decipher.setAuthTag(Buffer.from(tag, 'base64url'));
		return Buffer.concat([
			decipher.update(Buffer.from(body, 'base64url')),
			decipher.final()
		]).toString('utf8');
	} catch {
		throw new SecretUnreadable();
	}
}

/** For showing a stored secret without revealing it: "••••wxyz" style hints are not kept either. */
export const MASKED = '••••••••';
