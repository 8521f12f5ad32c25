/**
 * A Daraja failure in words a manager can act on, in their language: always our own text, never
 * the remote side's (a base URL or a proxy could put anything there). The codes stay in the text
 * when they look like Daraja's: Safaricom support asks for them. The remote text goes to the
 * server log only, cleaned (see `darajaErrorDetail`).
 */
import { withoutControlCharacters } from '$lib/text';
import { m } from '$lib/paraglide/messages';
import { DarajaBaseUrlRefused } from '$lib/server/mpesa/base-url';
import {
	DarajaAuthFailed,
	DarajaError,
	DarajaInputInvalid,
	DarajaRejected,
	DarajaUnavailable
} from '$lib/server/mpesa/errors';

export function darajaErrorMessage(error: unknown): string {
	if (error instanceof DarajaBaseUrlRefused) return m.mpesa_error_base_url_refused();
	if (error instanceof DarajaAuthFailed) return m.mpesa_error_auth({ code: error.errorCode });
	if (error instanceof DarajaUnavailable) {
		if (error.reason === 'timeout') return m.mpesa_error_timeout();
		if (error.reason === 'network') return m.mpesa_error_network();
		return m.mpesa_error_http({ status: String(error.httpStatus ?? '') });
	}
	if (error instanceof DarajaRejected) {
		if (error.isMerchantMisconfigured) return m.mpesa_error_merchant();
		return m.mpesa_error_rejected({ code: error.errorCode });
	}
	if (error instanceof DarajaInputInvalid) return error.message;
	if (error instanceof DarajaError) return m.mpesa_error_unknown();
	return error instanceof Error ? error.message : String(error);
}

/** For the audit row and the server log: the class and code, and the remote text cleaned and short. */
export function darajaErrorDetail(error: unknown): string {
	if (!(error instanceof Error)) return 'unknown error';
	return withoutControlCharacters(`${error.name}: ${error.message}`).slice(0, 300);
}
