/**
 * Router failures in words a manager can act on, in their language: for pages and form fields.
 * The technical detail (router id, errno) stays in the server log and the job row (router-errors.ts
 * says it in one line for those).
 */
import { m } from '$lib/paraglide/messages';
import {
	RouterCertificateChanged,
	RouterCommandFailed,
	RouterLoginFailed,
	RouterUnreachable
} from './routeros/client';
import { RouterAddressRefused } from './router-address';
import type { RouterNotOpen } from './routers';

/** Why a router's address or credentials were refused. */
export function routerAddressMessage(error: RouterAddressRefused): string {
	switch (error.reason) {
		case 'port':
			return m.router_address_port();
		case 'control':
			return m.router_address_control();
		case 'private':
			return m.router_address_private();
		case 'unresolved':
			return m.router_address_unresolved();
		case 'shape':
			return m.error_host_shape();
		default:
			return m.router_address_forbidden();
	}
}

/** Why the router chosen to take a retiring router's subscribers cannot take them. */
export function routerNotOpenMessage(failure: RouterNotOpen): string {
	return failure.reason === 'same'
		? m.error_router_same()
		: failure.reason === 'retired'
			? m.error_router_retired()
			: m.error_choose();
}

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
