/**
 * Fixed-window request counts for the public pages (top-up and captive portal) and the agent
 * phone's outbox, kept in Postgres so every app process counts the same hits. Keys are an IP, a
 * phone or a user id, never tenant data, so the table has no row-level security (like
 * login_throttle).
 *
 * A fixed window lets a client spend up to twice the limit across a window edge; that is fine for
 * what this guards against: someone flooding a stranger's phone with M-Pesa prompts, or walking
 * account numbers.
 */
import { lt, sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { rateLimits } from '../db/schema';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { addressKey } from './address-key';
import { safeErrorText } from '../logging/safe-error';

export interface RateRule {
	/** The key prefix, e.g. `push:phone`. */
	name: string;
	/** The subject is a client address: counted per addressKey (IPv6 per /64). */
	perAddress?: boolean;
	limit: number;
	windowMs: number;
}

const TEN_MINUTES = 10 * 60_000;

export const RATE_RULES = {
	/** M-Pesa prompts to one phone: a person pays a few times at most. */
	pushPerPhone: { name: 'push:phone', limit: 5, windowMs: TEN_MINUTES },
	/**
	 * Prompts started from one address. Every customer at a hotspot reaches the portal from the
	 * site's one public address, and a busy site sells dozens of packages in an evening hour: the
	 * limit must not turn them away. A flood from one address is still cut off at this, and each
	 * phone has its own limit above.
	 */
	pushPerIp: { name: 'push:ip', perAddress: true, limit: 120, windowMs: TEN_MINUTES },
	/** Account and phone look-ups from one address. */
	lookupPerIp: { name: 'lookup:ip', perAddress: true, limit: 60, windowMs: TEN_MINUTES },
	/**
	 * Outbox batches from one staff member (50 items each). A week of offline work is a few dozen
	 * batches; a phone that loops, or a stolen session, is cut off here.
	 */
	syncPerUser: { name: 'sync:user', limit: 120, windowMs: TEN_MINUTES }
} as const satisfies Record<string, RateRule>;

export interface RateVerdict {
	allowed: boolean;
	/** Hits in the current window, this one included. */
	hits: number;
	/** Seconds until the window that refused ends (0 when allowed). */
	retryAfterSeconds: number;
}

export function windowStartOf(now: Date, windowMs: number): Date {
	return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/** Counts one hit on `rule` for `subject`, in one statement so concurrent hits are never lost. */
export async function countHit(
	tx: Tx,
	rule: RateRule,
	subject: string,
	now = new Date()
): Promise<RateVerdict> {
	const windowStart = windowStartOf(now, rule.windowMs);
	const [row] = await tx
		.insert(rateLimits)
		.values({ key: `${rule.name}:${subject}`, windowStart, hits: 1 })
		.onConflictDoUpdate({
			target: [rateLimits.key, rateLimits.windowStart],
			set: { hits: sql`${rateLimits.hits} + 1` }
		})
		.returning({ hits: rateLimits.hits });
	const hits = row?.hits ?? 1;
	const allowed = hits <= rule.limit;
	const retryAfterSeconds = allowed
		? 0
		: Math.ceil((windowStart.getTime() + rule.windowMs - now.getTime()) / 1000);
	return { allowed, hits, retryAfterSeconds };
}

export interface RateCheck {
	rule: RateRule;
	/** The IP or phone; a missing one (no client address) is not counted. */
	subject: string | null | undefined;
}

/**
 * Counts a hit on every check in one short transaction; refused when any is over its limit.
 * Every check is counted even when an earlier one refuses, so a flood from one address still
 * shows on the phone it targets.
 */
export async function takeHits(checks: RateCheck[], now = new Date()): Promise<RateVerdict> {
	const counted = checks.filter((c): c is RateCheck & { subject: string } => Boolean(c.subject));
	if (counted.length === 0) return { allowed: true, hits: 0, retryAfterSeconds: 0 };
	return withTenant(PLATFORM_TENANT_ID, async (tx) => {
		const verdicts: RateVerdict[] = [];
		for (const check of counted) {
			const subject = check.rule.perAddress ? addressKey(check.subject) : check.subject;
			verdicts.push(await countHit(tx, check.rule, subject, now));
		}
		const refused = verdicts.filter((v) => !v.allowed);
		if (refused.length === 0)
			return {
				allowed: true,
				hits: Math.max(...verdicts.map((v) => v.hits)),
				retryAfterSeconds: 0
			};
		return {
			allowed: false,
			hits: Math.max(...refused.map((v) => v.hits)),
			retryAfterSeconds: Math.max(...refused.map((v) => v.retryAfterSeconds))
		};
	});
}

/** Deletes windows that started before `before`; returns how many. */
export async function pruneRateLimits(tx: Tx, before: Date): Promise<number> {
	const gone = await tx
		.delete(rateLimits)
		.where(lt(rateLimits.windowStart, before))
		.returning({ key: rateLimits.key });
	return gone.length;
}

/**
 * Old windows are dead weight: the background work of a process (startup.ts) sweeps those older
 * than a day every `everyMs`, off the request path. Returns the function that stops it.
 */
export function sweepRateLimitsEvery(
	everyMs = 3_600_000,
	log: (line: string) => void = console.warn
): () => void {
	const timer = setInterval(() => {
		withTenant(PLATFORM_TENANT_ID, (tx) =>
			pruneRateLimits(tx, new Date(Date.now() - 24 * 3_600_000))
		).catch((error) => log(`[rate-limit] sweeping old windows failed: ${safeErrorText(error)}`));
	}, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}
