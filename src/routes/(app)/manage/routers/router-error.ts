/**
 * A router failure in words a manager can act on, in their language. The technical detail
 * (router id, errno) stays in the server log and the job row.
 */
import { m } from '$lib/paraglide/messages';
import {
	RouterCertificateChanged,
	RouterCommandFailed,
	RouterLoginFailed,
	RouterUnreachable
} from '$lib/server/network/routeros/client';
import { RouterAddressRefused } from '$lib/server/network/router-address';
import { routerAddressMessage } from './address-message';

export function routerErrorMessage(error: unknown): string {
	if (error instanceof RouterAddressRefused) return routerAddressMessage(error);
	if (error instanceof RouterCertificateChanged)
		return m.router_error_certificate_changed({ fingerprint: error.presented });
	if (error instanceof RouterLoginFailed) return m.router_error_login();
	if (error instanceof RouterCommandFailed)
		return m.router_error_command({ message: error.message });
	if (error instanceof RouterUnreachable) {
		switch (error.reason) {
			case 'refused':
				return m.router_error_refused();
			case 'timeout':
				return m.router_error_timeout();
			case 'unreachable':
				return m.router_error_unreachable();
			case 'dropped':
				return m.router_error_dropped();
		}
	}
	return error instanceof Error ? error.message : String(error);
}
