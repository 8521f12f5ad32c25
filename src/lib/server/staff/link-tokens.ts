/**
 * The tokens in links we hand to one person (an invitation, a password reset): `<id>.<secret>`,
 * 120 + 160 random bits in base32. The database keeps the id and the SHA-256 of the secret only,
 * so a copy of the table opens no link.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

const random = (bytes: number) =>
	encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));

export function hashLinkSecret(secret: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function newLinkToken(): { id: string; secretHash: string; token: string } {
	const id = random(15);
	const secret = random(20);
	return { id, secretHash: hashLinkSecret(secret), token: `${id}.${secret}` };
}

/** The id and secret of a well-formed token, or null (nothing is looked up for a malformed one). */
export function parseLinkToken(token: string): { id: string; secret: string } | null {
	const [id, secret, extra] = token.split('.');
	if (
		extra !== undefined ||
		!id ||
		!secret ||
		!/^[a-z2-7]{24}$/.test(id) ||
		!/^[a-z2-7]{32}$/.test(secret)
	)
		return null;
	return { id, secret };
}

export function linkSecretMatches(secret: string, secretHash: string): boolean {
	return constantTimeEqual(
		new TextEncoder().encode(hashLinkSecret(secret)),
		new TextEncoder().encode(secretHash)
	);
}
