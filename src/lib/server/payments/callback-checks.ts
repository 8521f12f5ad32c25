/**
 * Who may call back: the tenant must exist and have M-Pesa settings, the URL's token must be
 * theirs, and the address must be on their allowlist (the server-wide MPESA_ALLOWED_IPS is checked
 * before the body is read, in http/mpesa-hook.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { mpesaSettings, type MpesaSettings } from '../db/schema';
import { allowedByTenant } from '../security/safaricom-sources';
import { NOT_FOUND, type CallbackAnswer, type CallbackRequest } from './callback-answers';

function sameToken(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a callback is turned away before anything is stored: an unknown tenant or token, or an address outside the allowlist. */
export function refusal(
	settings: MpesaSettings | undefined,
	request: CallbackRequest
): CallbackAnswer | undefined {
	if (!settings || !sameToken(request.token, settings.callbackToken)) return NOT_FOUND;
	if (!allowedByTenant(settings.callbackIpAllowlist, request.remoteAddress))
		return { status: 403, body: { ResultCode: 1, ResultDesc: 'Forbidden' } };
	return undefined;
}

/** The tenant's M-Pesa settings, read by every callback transaction (a prepared statement). */
export function settingsOf(tx: Tx, tenantId: string): Promise<MpesaSettings[]> {
	return tx
		.select()
		.from(mpesaSettings)
		.where(eq(mpesaSettings.tenantId, tenantId))
		.prepare('mpesa_settings_of_tenant')
		.execute();
}
