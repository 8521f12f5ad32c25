/**
 * A tenant's M-Pesa settings: its shortcode, its own Daraja app keys (encrypted at rest, never shown
 * back in full or logged), the environment, and the secret token in its callback URLs.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { mpesaSettings, type MpesaSettings } from '../db/schema';
import type { MpesaKind } from '../../vocabulary';
import { MASKED, decryptSecret, encryptSecret } from '../security/secrets';
import { DARAJA_BASE_URLS, DarajaBaseUrlRefused, customBaseUrlAllowed } from './base-url';
import { createDarajaClient, type DarajaClient, type DarajaClientOptions } from './client';

export { DARAJA_BASE_URLS, DarajaBaseUrlRefused } from './base-url';

export interface MpesaSettingsInput {
	kind: MpesaKind;
	shortcode: string;
	tillNumber: string | null;
	/** Blank on edit: keep the stored value. */
	consumerKey?: string;
	consumerSecret?: string;
	passkey?: string;
	environment: 'sandbox' | 'production' | 'custom';
	baseUrl: string | null;
	callbackIpAllowlist: string[] | null;
	strictValidation: boolean;
}

export class MpesaSecretsMissing extends Error {
	constructor() {
		super('The consumer key, consumer secret and passkey are needed the first time');
	}
}

// Hex: Daraja refuses callback URLs containing words like "cmd" or "sql", which base64 could spell.
const newCallbackToken = () => randomBytes(24).toString('hex');

export async function getMpesaSettings(
	tx: Tx,
	tenantId: string
): Promise<MpesaSettings | undefined> {
	const [row] = await tx.select().from(mpesaSettings).where(eq(mpesaSettings.tenantId, tenantId));
	return row;
}

export async function saveMpesaSettings(
	tx: Tx,
	tenantId: string,
	input: MpesaSettingsInput,
	userId: string | null
): Promise<MpesaSettings> {
	const existing = await getMpesaSettings(tx, tenantId);
	const secret = (typed: string | undefined, stored: string | undefined) =>
		typed ? encryptSecret(typed) : stored;
	const consumerKeyEnc = secret(input.consumerKey, existing?.consumerKeyEnc);
	const consumerSecretEnc = secret(input.consumerSecret, existing?.consumerSecretEnc);
	const passkeyEnc = secret(input.passkey, existing?.passkeyEnc);
	if (!consumerKeyEnc || !consumerSecretEnc || !passkeyEnc) throw new MpesaSecretsMissing();
	// Safaricom's sandbox or production; any other address only if the server configuration allows it.
	if (input.environment === 'custom' && !(input.baseUrl && customBaseUrlAllowed(input.baseUrl)))
		throw new DarajaBaseUrlRefused();
	const values = {
		kind: input.kind,
		shortcode: input.shortcode,
		tillNumber: input.kind === 'till' ? input.tillNumber : null,
		consumerKeyEnc,
		consumerSecretEnc,
		passkeyEnc,
		environment: input.environment,
		baseUrl: input.environment === 'custom' ? input.baseUrl : null,
		callbackIpAllowlist: input.callbackIpAllowlist,
		strictValidation: input.strictValidation,
		updatedAt: new Date(),
		updatedBy: userId
	};
	const [row] = await tx
		.insert(mpesaSettings)
		.values({ tenantId, callbackToken: newCallbackToken(), ...values })
		.onConflictDoUpdate({ target: mpesaSettings.tenantId, set: values })
		.returning();
	return row!;
}

/** New callback URLs; the old ones stop working at once (after re-registering C2B URLs). */
export async function rotateCallbackToken(tx: Tx, tenantId: string): Promise<string> {
	const token = newCallbackToken();
	await tx
		.update(mpesaSettings)
		.set({ callbackToken: token, updatedAt: new Date() })
		.where(eq(mpesaSettings.tenantId, tenantId));
	return token;
}

/** What a settings page may show: the shape of each secret, never its value. */
export function mpesaSettingsView(row: MpesaSettings) {
	const hint = (enc: string) => {
		const plain = decryptSecret(enc);
		return plain.length > 8 ? `${MASKED}${plain.slice(-4)}` : MASKED;
	};
	return {
		kind: row.kind,
		shortcode: row.shortcode,
		tillNumber: row.tillNumber,
		environment: row.environment,
		baseUrl: row.baseUrl,
		consumerKey: hint(row.consumerKeyEnc),
		consumerSecret: MASKED,
		passkey: MASKED,
		callbackIpAllowlist: row.callbackIpAllowlist ?? [],
		strictValidation: row.strictValidation,
		updatedAt: row.updatedAt
	};
}

export function darajaBaseUrl(row: Pick<MpesaSettings, 'environment' | 'baseUrl'>): string {
	return row.environment === 'custom' ? row.baseUrl! : DARAJA_BASE_URLS[row.environment];
}

/** The one place a tenant's Daraja secrets are decrypted. */
export function darajaClientFor(
	row: MpesaSettings,
	extra: Partial<DarajaClientOptions> = {}
): DarajaClient {
	return createDarajaClient({
		baseUrl: darajaBaseUrl(row),
		consumerKey: decryptSecret(row.consumerKeyEnc),
		consumerSecret: decryptSecret(row.consumerSecretEnc),
		passkey: decryptSecret(row.passkeyEnc),
		shortcode: row.shortcode,
		transactionType: row.kind === 'till' ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
		partyB: row.kind === 'till' ? (row.tillNumber ?? undefined) : undefined,
		...extra
	});
}

const clients = new Map<string, { stamp: number; client: DarajaClient }>();

/**
 * The tenant's Daraja client, kept while its settings stay the same, so its OAuth token is reused
 * across requests (Daraja rate-limits token requests). Saving the settings starts a new one.
 */
export function tenantDarajaClient(row: MpesaSettings): DarajaClient {
	const stamp = row.updatedAt.getTime();
	const cached = clients.get(row.tenantId);
	if (cached && cached.stamp === stamp) return cached.client;
	const client = darajaClientFor(row);
	clients.set(row.tenantId, { stamp, client });
	return client;
}
