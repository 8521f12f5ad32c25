/** What the top-up page and the captive portal share on the server: the tenant, the caller's address. */
import { error, type RequestEvent } from '@sveltejs/kit';
import { publicTenant, type PublicTenant } from './tenant';
import { addressKey } from '../security/address-key';
import type { PromptLimit } from './prompt-limits';
import { m } from '$lib/paraglide/messages';

/** The tenant named by the address, or the 404 page: an unknown slug tells nothing more. */
export async function tenantOr404(slug: string): Promise<PublicTenant> {
	const tenant = await publicTenant(slug);
	if (!tenant) error(404, m.pay_unknown_network());
	return tenant;
}

/**
 * The caller's address for rate limits. When the adapter cannot tell (ADDRESS_HEADER is set and a
 * request came round the proxy without it), every such caller shares one count: the limits hold
 * rather than lapse. IPv6 callers are grouped by /64 (addressKey): one phone holds a whole prefix.
 */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return addressKey(event.getClientAddress());
	} catch {
		return 'unknown';
	}
}

/** The brand a public page shows: the tenant's name and colour, not its id. */
export function brandOf(tenant: PublicTenant) {
	return { slug: tenant.slug, name: tenant.name, brandColor: tenant.brandColor };
}

/** Why a prompt was refused, in the reader's language: each limit says what the customer can do. */
export function promptLimitMessage(refusal: {
	limit: PromptLimit;
	retryAfterSeconds: number;
}): string {
	const minutes = Math.max(1, Math.ceil(refusal.retryAfterSeconds / 60));
	switch (refusal.limit) {
		case 'tenant-day':
			return m.prompt_limit_tenant_day();
		case 'phone-day':
			return m.prompt_limit_phone_day();
		case 'foreign-payer':
			return m.prompt_limit_foreign_payer({ minutes });
		default:
			return m.pay_too_many({ minutes });
	}
}
