/**
 * The heartbeat: a router nobody has talked to for a minute is asked one cheap question, so an
 * idle router's outage is recorded (routers.down_since) within a minute or two rather than at the
 * next reconcile, and the "router offline" push (push/watch.ts) goes out about five minutes in.
 *
 * Each round claims the routers it will ask by stamping checked_at in one statement (FOR UPDATE
 * SKIP LOCKED), so two workers never ask the same router in the same round. The question goes
 * through the shared connection (routeros/client.ts): the same address policy, certificate pin,
 * reply limits and secret handling as every job, and no new login per minute while it stays up.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, withTenant } from '../db';
import { routers, type Router } from '../db/schema';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { systemClock, type JobClock } from './jobs';
import { getRouter, recordRouterError, recordRouterSeen, routerTarget } from './routers';
import { RouterUnreachable, withRouter } from './routeros/client';
import { describeRouterError } from './router-errors';
import { scrubLogText } from '../logging/safe-error';

export interface HeartbeatOptions {
	/** A router contacted (by a job, reconcile or a heartbeat) within this long is not asked. */
	everyMs: number;
	/** The longest one router may take to answer, connecting included: a dead one must not stall the round. */
	timeoutMs?: number;
	/** Routers asked at once. */
	concurrency?: number;
	/** Routers claimed per round; the rest wait for the next one. */
	batch?: number;
	clock?: JobClock;
	log?: (line: string) => void;
}

export const HEARTBEAT_TIMEOUT_MS = 5_000;

/** What one round found, for the worker's log and for tests. */
export interface HeartbeatRound {
	up: string[];
	down: string[];
}

/** Claims the routers due a heartbeat, in every tenant (the platform's scope). */
async function claimDueRouters(everyMs: number, batch: number, now: Date) {
	const at = sql`${now.toISOString()}::timestamptz`;
	const since = sql`${at} - make_interval(secs => ${everyMs / 1000})`;
	return withTenant(PLATFORM_TENANT_ID, async (tx) =>
		rowsOf<{ tenant_id: string; id: string }>(
			await tx.execute(sql`
				update ${routers} set checked_at = ${at}
				where id in (
					select id from ${routers}
					where retired_at is null
					  and (checked_at is null or checked_at <= ${since})
					  -- greatest() skips nulls: a router never contacted is due at once.
					  and coalesce(greatest(last_seen_at, last_error_at), '-infinity') <= ${since}
					order by checked_at nulls first
					limit ${batch}
					for update skip locked
				)
				returning tenant_id, id`)
		)
	);
}

/** Asks the router its name, giving up after `timeoutMs` whether connecting or waiting for the reply. */
async function ask(router: Router, timeoutMs: number): Promise<{ identity?: string }> {
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new RouterUnreachable(
						router.id,
						'timeout',
						`router ${router.id} did not answer the heartbeat within ${timeoutMs} ms`
					)
				),
			timeoutMs
		);
	});
	try {
		const [identity] = await Promise.race([
			withRouter(routerTarget(router), (api) =>
				api.write('/system/identity/print', [], { timeoutMs })
			),
			deadline
		]);
		return { identity: identity?.name?.slice(0, 255) };
	} finally {
		clearTimeout(timer);
	}
}

/** One round: claims the due routers and records each one's answer or failure. */
export async function heartbeatRound(options: HeartbeatOptions): Promise<HeartbeatRound> {
	const clock = options.clock ?? systemClock;
	const timeoutMs = options.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
	const due = await claimDueRouters(options.everyMs, options.batch ?? 100, clock.now());
	const round: HeartbeatRound = { up: [], down: [] };
	let next = 0;
	const askNext = async (): Promise<void> => {
		for (let router = due[next++]; router; router = due[next++]) {
			const row = await withTenant(router.tenant_id, (tx) => getRouter(tx, router.id));
			// Deleted or retired since the claim: nothing to ask.
			if (!row || row.retiredAt) continue;
			try {
				const answer = await ask(row, timeoutMs);
				await withTenant(router.tenant_id, (tx) =>
					recordRouterSeen(tx, router.id, answer.identity ? answer : {}, clock.now())
				);
				round.up.push(router.id);
			} catch (error) {
				const message = describeRouterError(error);
				await withTenant(router.tenant_id, (tx) =>
					recordRouterError(tx, router.id, message, clock.now())
				);
				round.down.push(router.id);
				// Once per outage in the log, not once a minute.
				if (!row.downSince)
					options.log?.(
						`heartbeat: router ${router.id} stopped answering: ${scrubLogText(message)}`
					);
			}
		}
	};
	await Promise.all(
		Array.from({ length: Math.min(options.concurrency ?? 10, due.length) }, askNext)
	);
	return round;
}
