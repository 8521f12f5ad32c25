/**
 * Login throttling per account and per IP, kept in Postgres so every app process sees the same
 * counts. After MAX_FAILURES failures inside WINDOW the key is locked for LOCK: the next attempt is
 * refused even with the right password.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { loginThrottle } from '../db/schema';

export const MAX_FAILURES = 5;
/** Many phones share one address behind a carrier's NAT, so an IP gets more room than an account. */
export const MAX_FAILURES_PER_IP = 30;
export const WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;

export interface ThrottleKeys {
	account: string;
	ip: string | undefined;
}

function keysOf({ account, ip }: ThrottleKeys): string[] {
	return ip ? [`account:${account}`, `ip:${ip}`] : [`account:${account}`];
}

/** The time until which login is refused, or null when it is allowed. */
export async function lockedUntil(tx: Tx, keys: ThrottleKeys, now = new Date()): Promise<Date | null> {
	const rows = await tx.select().from(loginThrottle).where(inArray(loginThrottle.key, keysOf(keys)));
	const until = rows
		.map((r) => r.lockedUntil)
		.filter((d): d is Date => d !== null && d > now)
		.sort((a, b) => b.getTime() - a.getTime())[0];
	return until ?? null;
}

export async function recordFailure(tx: Tx, keys: ThrottleKeys, now = new Date()): Promise<void> {
	// Raw sql`` parameters are not mapped like columns, and postgres.js refuses a Date there: send ISO text.
	const windowStart = sql`${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`;
	const lockUntilAt = new Date(now.getTime() + LOCK_MS);
	const lockUntil = sql`${lockUntilAt.toISOString()}::timestamptz`;
	const nowAt = sql`${now.toISOString()}::timestamptz`;
	for (const key of keysOf(keys)) {
		const limit = key.startsWith('ip:') ? MAX_FAILURES_PER_IP : MAX_FAILURES;
		// One statement, so two processes counting the same key at once do not lose a failure.
		await tx
			.insert(loginThrottle)
			.values({ key, failures: 1, windowStartedAt: now, lockedUntil: limit <= 1 ? lockUntilAt : null })
			.onConflictDoUpdate({
				target: loginThrottle.key,
				set: {
					failures: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then 1 else ${loginThrottle.failures} + 1 end`,
					windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < ${windowStart} then ${nowAt} else ${loginThrottle.windowStartedAt} end`,
					lockedUntil: sql`case
						when ${loginThrottle.windowStartedAt} >= ${windowStart} and ${loginThrottle.failures} + 1 >= ${limit} then ${lockUntil}
						else ${loginThrottle.lockedUntil} end`
				}
			});
	}
}

export async function clearFailures(tx: Tx, keys: ThrottleKeys): Promise<void> {
	await tx.delete(loginThrottle).where(inArray(loginThrottle.key, [`account:${keys.account}`]));
}
