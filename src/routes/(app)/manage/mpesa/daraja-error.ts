/**
 * A Daraja failure in words a manager can act on, in their language. The codes stay in the text:
 * Safaricom support asks for them.
 */
import { m } from '$lib/paraglide/messages';
import { DarajaAuthFailed, DarajaRejected, DarajaUnavailable } from '$lib/server/mpesa/errors';

export function darajaErrorMessage(error: unknown): string {
	if (error instanceof DarajaAuthFailed) return m.mpesa_error_auth({ code: error.errorCode });
	if (error instanceof DarajaUnavailable) {
		if (error.reason === 'timeout') return m.mpesa_error_timeout();
		if (error.reason === 'network') return m.mpesa_error_network();
		return m.mpesa_error_http({ status: String(error.httpStatus ?? '') });
	}
	if (error instanceof DarajaRejected) {
		if (error.isMerchantMisconfigured) return m.mpesa_error_merchant();
		return m.mpesa_error_rejected({ code: error.errorCode, message: error.errorMessage });
	}
	return error instanceof Error ? error.message : String(error);
}
