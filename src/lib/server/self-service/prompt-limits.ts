/**
 * How many M-Pesa prompts the public pages (/pay and the captive portal) may start. Anyone can type
 * any phone there, so without limits a stranger can ring a phone with PIN prompts all day, or spend
 * a tenant's Daraja quota:
 * - per phone and per address, in ten minutes (a burst);
 * - per payer phone, in a day (20): harassment across the day and across tenants;
 * - per subscriber and payer phone that is not the subscriber's own, in an hour (2): paying for a
 *   relative is normal, being the target of strangers' prompts "for" an account is not;
 * - per tenant, in a day (`PUBLIC_PROMPTS_PER_TENANT_DAY`), counted only for prompts every other
 *   limit allowed, so a flood refused elsewhere does not use up the tenant's day.
 * Days are UTC days (03:00 in Nairobi), the rate-limit table's fixed windows.
 */
import { withTenant } from '../db';
import { config } from '../config';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { RATE_RULES, countHit, type RateRule } from '../security/rate-limit';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const PROMPT_RULES = {
	phonePerDay: { name: 'push:phone-day', limit: 20, windowMs: DAY },
	foreignPayerPerHour: { name: 'push:foreign-payer', limit: 2, windowMs: HOUR }
} as const satisfies Record<string, RateRule>;

export function tenantDayRule(): RateRule {
	return { name: 'push:tenant-day', limit: config().PUBLIC_PROMPTS_PER_TENANT_DAY, windowMs: DAY };
}

/** Which limit refused: the page words each one differently. */
export type PromptLimit = 'burst' | 'phone-day' | 'foreign-payer' | 'tenant-day';

export interface PromptRequest {
	tenantId: string;
	/** The MSISDN that gets the prompt. */
	phone: string;
	clientAddress: string | null;
	/** The account paid for and its own phone, when known (the portal's customer is the phone itself). */
	subscriberId?: string | null;
	ownPhone?: string | null;
}

export type PromptVerdict =
	{ allowed: true } | { allowed: false; limit: PromptLimit; retryAfterSeconds: number };

/**
 * Counts one prompt against every limit, in one short transaction (each count is one atomic
 * upsert, so prompts sent at once are all counted); the first limit it is over, else allowed.
 */
export async function takePromptAllowance(
	request: PromptRequest,
	now = new Date()
): Promise<PromptVerdict> {
	const foreign = Boolean(
		request.subscriberId && request.ownPhone && request.ownPhone !== request.phone
	);
	return withTenant(PLATFORM_TENANT_ID, async (tx) => {
		const checks: { limit: PromptLimit; rule: RateRule; subject: string | null }[] = [
			{ limit: 'burst', rule: RATE_RULES.pushPerPhone, subject: request.phone },
			{ limit: 'burst', rule: RATE_RULES.pushPerIp, subject: request.clientAddress },
			{ limit: 'phone-day', rule: PROMPT_RULES.phonePerDay, subject: request.phone },
			{
				limit: 'foreign-payer',
				rule: PROMPT_RULES.foreignPayerPerHour,
				subject: foreign ? `${request.tenantId}:${request.subscriberId}:${request.phone}` : null
			}
		];
		let refused: PromptVerdict | null = null;
		for (const check of checks) {
			if (!check.subject) continue;
			const verdict = await countHit(tx, check.rule, check.subject, now);
			if (!verdict.allowed && !refused)
				refused = {
					allowed: false,
					limit: check.limit,
					retryAfterSeconds: verdict.retryAfterSeconds
				};
		}
		if (refused) return refused;
		const tenant = await countHit(tx, tenantDayRule(), request.tenantId, now);
		return tenant.allowed
			? { allowed: true }
			: { allowed: false, limit: 'tenant-day', retryAfterSeconds: tenant.retryAfterSeconds };
	});
}
