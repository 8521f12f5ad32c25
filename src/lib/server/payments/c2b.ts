/** Paybill/till payments: telling Safaricom where to send them (one button on the settings page). */
import { withTenant } from '../db';
import { getMpesaSettings, tenantDarajaClient } from '../mpesa/settings';
import type { C2bRegistered } from '../mpesa/client';

export function c2bCallbackUrls(
	base: string,
	tenantId: string,
	token: string
): { validationUrl: string; confirmationUrl: string } {
	const root = `${base.replace(/\/+$/, '')}/hooks/daraja/${tenantId}/${token}/c2b`;
	return { validationUrl: `${root}/validation`, confirmationUrl: `${root}/confirmation` };
}

/**
 * Registers this tenant's validation and confirmation URLs for its shortcode. If our validation URL
 * does not answer in time, Safaricom completes the payment (the confirmation still reaches us),
 * except in strict mode, where an unchecked payment is cancelled.
 */
export async function registerC2bUrls(
	tenantId: string,
	callbackBase: string
): Promise<C2bRegistered> {
	const settings = await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId));
	if (!settings) throw new Error('M-Pesa is not set up for this network yet');
	return tenantDarajaClient(settings).registerC2bUrls({
		...c2bCallbackUrls(callbackBase, tenantId, settings.callbackToken),
		responseType: settings.strictValidation ? 'Cancelled' : 'Completed'
	});
}
