/**
 * This server's VAPID key pair (RFC 8292): the browser subscribes with the public key, and every
 * message carries a JWT signed with the private one, so a push service delivers to a subscription
 * only what its own server sends. Made once, at first start, and kept in the database (the private
 * key sealed with the secret key, like M-Pesa keys), so subscriptions survive restarts;
 * VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY override it.
 */
import { sql } from 'drizzle-orm';
import webpush from 'web-push';
import { config, vapidSubject } from '../config';
import { database } from '../db';
import { pushVapidKeys } from '../db/schema';
import { decryptSecret, encryptSecret } from '../security/secrets';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
}

let loaded: Promise<VapidKeys> | undefined;

/** The key pair: from the environment, else the stored one, else a new one stored now. */
export function vapidKeys(): Promise<VapidKeys> {
	loaded ??= load().catch((error: unknown) => {
		loaded = undefined;
		throw error;
	});
	return loaded;
}

/** Tests and a changed environment: read the keys again on next use. */
export function forgetVapidKeys(): void {
	loaded = undefined;
}

async function load(): Promise<VapidKeys> {
	const cfg = config();
	if (cfg.VAPID_PUBLIC_KEY && cfg.VAPID_PRIVATE_KEY) {
		// Refuses a malformed pair now, not at the first payment.
		webpush.setVapidDetails(
			vapidSubject() ?? 'mailto:check@mtandao.invalid',
			cfg.VAPID_PUBLIC_KEY,
			cfg.VAPID_PRIVATE_KEY
		);
		return { publicKey: cfg.VAPID_PUBLIC_KEY, privateKey: cfg.VAPID_PRIVATE_KEY };
	}
	// Not tenant data, and read before any request: the process's own connection, no scope.
	const { db } = database();
	const fresh = webpush.generateVAPIDKeys();
	// Two processes starting at once: the first insert wins and both read the same row back.
	await db
		.insert(pushVapidKeys)
		.values({
			id: 1,
			publicKey: fresh.publicKey,
			privateKeySealed: encryptSecret(fresh.privateKey)
		})
		.onConflictDoNothing();
	const [row] = await db
		.select()
		.from(pushVapidKeys)
		.where(sql`${pushVapidKeys.id} = 1`);
	return { publicKey: row!.publicKey, privateKey: decryptSecret(row!.privateKeySealed) };
}
