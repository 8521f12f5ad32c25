/**
 * Login throttling, kept in Postgres so every app process sees the same counts.
 *
 * An attempt is counted *before* its password is checked, in one statement that increments and
 * returns the count: 24 guesses sent at once get counts 1 to 24 and only the first MAX_FAILURES are
 * checked at all. A successful login takes its own count back.
 *
 * Three counts, so that a stranger who knows a manager's phone cannot keep the manager out:
 * - `pair:<account>|<address>`: a hard lock after MAX_FAILURES, for that address on that account
 *   only. The right password from an address that has not been failing still logs in.
 * - `ip:<address>`: a hard lock after MAX_FAILURES_PER_IP, whatever the account (one address
 *   spraying many accounts). IPv6 counts per /64 (addressKey).
 * - `account:<account>`: never a lock, a slowdown: past ACCOUNT_FREE_FAILURES every attempt on the
 *   account waits a little longer (accountDelayMs), from any address, the owner's included.
 * And `notice:<account>`: failed attempts on an existing account since its owner last logged in,
 * shown to the owner at their next login.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { loginThrottle } from '../db/schema';
import { addressKey } from '../security/address-key';

export const MAX_FAILURES = 5;
/** Many phones share one address behind a carrier's NAT, so an IP gets more room than an account. */
export const MAX_FAILURES_PER_IP = 30;
export const WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;
/** Failures an account takes, from all addresses together, before its attempts slow down. */
export const ACCOUNT_FREE_FAILURES = 5;
/** The longest an attempt waits: enough to make guessing slow, short enough for the owner. */
export const MAX_ACCOUNT_DELAY_MS = 4_000;

export interface ThrottleKeys {
	account: string;
	/** The client's address as the adapter gives it (grouped by addressKey here); undefined: unknown. */
	ip: string | undefined;
}

interface Counted {
	key: string;
	/** Hard lock after this many attempts in the window; null: count only. */
	limit: number | null;
}

function countedKeys({ account, ip }: ThrottleKeys): Counted[] {
	// No address (a proxy that did not say): every such attempt shares one, so the locks hold rather than lapse.
	const address = addressKey(ip ?? 'unknown');
	return [
		{ key: `account:${account}`, limit: null },
		{ key: `pair:${account}|${address}`, limit: MAX_FAILURES },
		{ key: `ip:${address}`, limit: MAX_FAILURES_PER_IP }
	];
}

/** The keys that lock (the account key only slows down). */
function lockingKeys(keys: ThrottleKeys): string[] {
	return countedKeys(keys)
		.filter((k) => k.limit !== null)
		.map((k) => k.key);
}

export interface Attempt {
	/** Set when the attempt is refused without checking the password. */
	lockedUntil: Date | null;
	/** Attempts on the account in its window, this one included: what the slowdown is made of. */
	accountAttempts: number;
}

// Raw sql`` parameters are not mapped like columns, and postgres.js refuses a Date there: send ISO text.
const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/**
 * Counts one attempt on `key` in one statement (so concurrent attempts each get their own count)
 * and returns the count and lock. A lock that has run out, or a window that has, starts afresh.
 */
async function countOne(
	tx: Tx,
	{ key, limit }: Counted,
	now: Date
): Promise<{ failures: number; lockedUntil: Date | null }> {
	const t = loginThrottle;
	const stale = sql`(case when ${t.lockedUntil} is not null then ${t.lockedUntil} <= ${at(now)}
		else ${t.windowStartedAt} < ${at(new Date(now.getTime() - WINDOW_MS))} end)`;
	const lockAt =
		limit === null
			? sql`null::timestamptz`
			: sql`case when ${t.failures} + 1 > ${limit} then ${at(new Date(now.getTime() + LOCK_MS))} end`;
	const [row] = await tx
		.insert(t)
		.values({
			key,
			failures: 1,
			windowStartedAt: now,
			lockedUntil: limit !== null && limit < 1 ? new Date(now.getTime() + LOCK_MS) : null
		})
		.onConflictDoUpdate({
			target: t.key,
			set: {
				failures: sql`case when ${stale} then 1 else ${t.failures} + 1 end`,
				windowStartedAt: sql`case when ${stale} then ${at(now)} else ${t.windowStartedAt} end`,
				lockedUntil: sql`case when ${stale} then null else coalesce(${t.lockedUntil}, ${lockAt}) end`
			}
		})
		.returning({ failures: t.failures, lockedUntil: t.lockedUntil });
	return {
		failures: row?.failures ?? 1,
		lockedUntil: row?.lockedUntil && row.lockedUntil > now ? row.lockedUntil : null
	};
}

/**
 * Counts an attempt on every key before the password is checked. Refused (lockedUntil set) when
 * the account+address pair or the address is over its limit.
 */
export async function takeAttempt(tx: Tx, keys: ThrottleKeys, now = new Date()): Promise<Attempt> {
	let lockedUntil: Date | null = null;
	let accountAttempts = 1;
	// Always in the same order (account, pair, address), so two attempts never wait on each other's rows in a cycle.
	for (const counted of countedKeys(keys)) {
		const { failures, lockedUntil: until } = await countOne(tx, counted, now);
		if (counted.limit === null) accountAttempts = failures;
		if (until && (!lockedUntil || until > lockedUntil)) lockedUntil = until;
	}
	return { lockedUntil, accountAttempts };
}

/** How long an attempt waits, from the account's attempts in the window: doubling from 250 ms. */
export function accountDelayMs(accountAttempts: number): number {
	const over = accountAttempts - ACCOUNT_FREE_FAILURES;
	if (over <= 0) return 0;
	return Math.min(MAX_ACCOUNT_DELAY_MS, 250 * 2 ** (over - 1));
}

/**
 * A successful login: the pair's count goes, and the attempt is taken back from the account and
 * the address (the failures others made there still count).
 */
export async function settleSuccess(tx: Tx, keys: ThrottleKeys): Promise<void> {
	const [account, pair, ip] = countedKeys(keys).map((k) => k.key) as [string, string, string];
	await tx.delete(loginThrottle).where(eq(loginThrottle.key, pair));
	const back = [account, ip];
	await tx
		.update(loginThrottle)
		.set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
		.where(inArray(loginThrottle.key, back));
}

/** The time until which login is refused for these keys, or null when it is allowed (counts nothing). */
export async function lockedUntil(
	tx: Tx,
	keys: ThrottleKeys,
	now = new Date()
): Promise<Date | null> {
	const rows = await tx
		.select()
		.from(loginThrottle)
		.where(inArray(loginThrottle.key, lockingKeys(keys)));
	const until = rows
		.map((r) => r.lockedUntil)
		.filter((d): d is Date => d !== null && d > now)
		.sort((a, b) => b.getTime() - a.getTime())[0];
	return until ?? null;
}

/** Counts a failure after the fact, for a check that cannot count first. Prefer takeAttempt. */
export async function recordFailure(tx: Tx, keys: ThrottleKeys, now = new Date()): Promise<void> {
	await takeAttempt(tx, keys, now);
}

/** Forgets the failures of this account from this address (after a success or a password reset). */
export async function clearFailures(tx: Tx, keys: ThrottleKeys): Promise<void> {
	const keysToClear = keys.ip ? [countedKeys(keys)[1]!.key] : [`account:${keys.account}`];
	await tx.delete(loginThrottle).where(inArray(loginThrottle.key, keysToClear));
}

export interface FailedLoginNotice {
	failures: number;
	since: Date;
}

/** One more failed attempt on an existing account, for its owner to hear about. */
export async function noteFailedLogin(tx: Tx, account: string, now = new Date()): Promise<void> {
	await tx
		.insert(loginThrottle)
		.values({ key: `notice:${account}`, failures: 1, windowStartedAt: now })
		.onConflictDoUpdate({
			target: loginThrottle.key,
			set: { failures: sql`${loginThrottle.failures} + 1` }
		});
}

/** The failed attempts since the owner last logged in, read once: the notice is then gone. */
export async function takeFailedLoginNotice(
	tx: Tx,
	account: string
): Promise<FailedLoginNotice | null> {
	const [row] = await tx
		.delete(loginThrottle)
		.where(eq(loginThrottle.key, `notice:${account}`))
		.returning();
	return row && row.failures > 0 ? { failures: row.failures, since: row.windowStartedAt } : null;
}
