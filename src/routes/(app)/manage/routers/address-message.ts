/** Why a router's address or credentials were refused, in words a manager can act on. */
import { m } from '$lib/paraglide/messages';
import type { RouterAddressRefused } from '$lib/server/network/router-address';

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
