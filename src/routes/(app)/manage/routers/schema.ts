import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { formFailure } from '$lib/server/http/form-parsing';
import { hasControlCharacters, routerAddressProblem } from '$lib/server/network/router-address';
import { routerAddressMessage } from '$lib/server/network/router-failure-messages';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** An IPv4 address, or a DNS name whose last label is not all digits (so 10.0.0.300 is not a "hostname"). */
export function isHostOrIpv4(value: string): boolean {
	if (IPV4.test(value)) return true;
	if (value.length > 253) return false;
	const labels = value.replace(/\.$/, '').split('.');
	return labels.every((l) => HOST_LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]!);
}

/** Text that goes to the router as is: plain ASCII (node-routeros speaks Windows-1252). */
const routerText = (max: number) =>
	z
		.string({ error: () => m.error_required() })
		.trim()
		.min(1, { error: () => m.error_required() })
		.max(max, { error: () => m.error_too_long() })
		.regex(/^[A-Za-z0-9 ._@-]+$/, { error: () => m.error_plain_text() });

/**
 * A router as the manager types it. Whether the password is right, or the host answers, is not a
 * form error: "Test connection" says so, and a router that is off today is still worth saving.
 */
export const routerSchema = z
	.object({
		name: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(2, { error: () => m.error_required() })
			.max(60, { error: () => m.error_too_long() })
			.refine((v) => !hasControlCharacters(v), { error: () => m.router_address_control() }),
		host: z
			.string({ error: () => m.error_required() })
			.trim()
			.toLowerCase()
			.min(1, { error: () => m.error_required() })
			.refine((v) => !hasControlCharacters(v), { error: () => m.router_address_control() })
			.refine(isHostOrIpv4, { error: () => m.error_host_shape() }),
		port: z
			.string()
			.trim()
			.default('')
			.refine((v) => v === '' || (/^[0-9]{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535), {
				error: () => m.error_port_range()
			}),
		tls: z
			.string()
			.optional()
			.transform((v) => v === 'on' || v === 'true'),
		username: routerText(60),
		// CR or LF in a password would reach the router's socket as is.
		password: z
			.string()
			.max(200, { error: () => m.error_too_long() })
			.refine((v) => !hasControlCharacters(v), { error: () => m.router_address_control() })
			.default(''),
		/** Editing only: a blank password keeps the stored one, so "none" needs saying. */
		noPassword: z
			.string()
			.optional()
			.transform((v) => v === 'on' || v === 'true'),
		hotspotServer: routerText(60).default('all')
	})
	// A blank port is the RouterOS default for the chosen service.
	.transform((v) => ({ ...v, port: v.port === '' ? (v.tls ? 8729 : 8728) : Number(v.port) }));

/**
 * Save time: a host or port where no router may be (loopback, metadata, a private address outside
 * ROUTER_NETWORKS, a name resolving to one of those, a port below 1024) is a field error, 400.
 * Connecting checks again: a name can resolve differently later.
 */
export async function refusedAddress(host: string, port: number, form: FormData) {
	const problem = await routerAddressProblem(host, port);
	if (!problem) return undefined;
	const field = problem.reason === 'port' ? 'port' : 'host';
	return formFailure(400, form, m.error_check_form(), { [field]: routerAddressMessage(problem) });
}
