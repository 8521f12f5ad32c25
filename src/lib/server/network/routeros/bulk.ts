/**
 * Provisioning many subscribers on one router at once: the same find-then-add-or-set as
 * ensureUser, but with a window of users in flight on one connection, so the router's
 * round-trip time is paid once per window instead of twice per user.
 */
import type { RouterApi } from './client';
import { RouterCommandFailed } from './errors';
import { MENUS, type ServiceKind } from './menus';
import { upsertByName, type UpsertOutcome } from './upsert';
import { userFields, type UserSpec } from './users';

export interface BulkOptions {
	/** Users in flight at once (each is one print, then maybe one add or set). */
	concurrency?: number;
}

export interface BulkOutcome {
	added: number;
	updated: number;
	unchanged: number;
	/** Users RouterOS refused (an unknown profile, say); the others were still provisioned. */
	failed: Array<{ name: string; error: RouterCommandFailed }>;
}

export const DEFAULT_BULK_CONCURRENCY = 64;

/**
 * Ends in the same state as calling ensureUser for each user in order: a name given twice
 * counts once, with its last spec. A lost connection stops the batch and rejects (the caller
 * retries the whole batch, which is safe: every step is idempotent).
 */
export async function ensureUsersPipelined(
	api: RouterApi,
	kind: ServiceKind,
	users: readonly UserSpec[],
	{ concurrency = DEFAULT_BULK_CONCURRENCY }: BulkOptions = {}
): Promise<BulkOutcome> {
	const latest = new Map<string, UserSpec>();
	for (const user of users) {
		latest.delete(user.name);
		latest.set(user.name, user);
	}
	// Validate everything before touching the router: a bad spec is a bug, not a router refusal.
	const work = [...latest.values()].map((user) => ({
		name: user.name,
		fields: userFields(kind, user)
	}));
	const menu = MENUS[kind].users;
	const outcome: BulkOutcome = { added: 0, updated: 0, unchanged: 0, failed: [] };
	let next = 0;
	let stopped: unknown;

	const worker = async () => {
		while (stopped === undefined && next < work.length) {
			const item = work[next++] as (typeof work)[number];
			try {
				const result: UpsertOutcome = await upsertByName(api, menu, item.name, item.fields);
				outcome[result]++;
			} catch (error) {
				if (error instanceof RouterCommandFailed) outcome.failed.push({ name: item.name, error });
				else stopped ??= error;
			}
		}
	};
	const window = Math.max(1, Math.min(Math.floor(concurrency), work.length));
	await Promise.all(Array.from({ length: window }, worker));
	if (stopped !== undefined) throw stopped;
	return outcome;
}
