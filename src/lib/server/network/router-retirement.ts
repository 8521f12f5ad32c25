/**
 * Retiring and deleting a router, and what happens to its subscribers. A retired router stays in
 * the database (its subscribers, payments and audit entries still name it) but is no longer
 * offered for new subscribers, the worker sends it only the jobs queued up to the moment it was
 * retired (the moves and disables of the retirement itself included), and reconcile skips it.
 * A router is deleted only when that loses nothing: no subscriber on it, no payment made at its
 * hotspot, and no change still waiting to be sent to it.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { payments, provisioningJobs, routers, subscribers, type Router } from '../db/schema';
import { writeAudit, type AuditActor } from '../audit';
import { enqueueJobs } from './jobs';
import { RouterNotOpen, assertRouterOpen } from './routers';
import { moveRouterSubscribers } from './subscribers';

/** What the confirm step shows before a router is retired or deleted. */
export interface RouterDependants {
	subscribers: {
		total: number;
		active: number;
		expired: number;
		pending: number;
		suspended: number;
	};
	/** Jobs still to be sent (pending or running). */
	openJobs: number;
	/** Jobs that gave up (parked as failed). */
	failedJobs: number;
	/** Captive-portal payments made at this router's hotspot. */
	paymentsAt: number;
}

/** What happens to a router's subscribers when it is retired or deleted. */
export type SubscriberFate =
	{ kind: 'leave' } | { kind: 'disable' } | { kind: 'move'; routerId: string };

/** Deleting would lose history or cancel changes still on their way: retire it instead. */
export class RouterInUse extends Error {
	override readonly name = 'RouterInUse';
	constructor(readonly dependants: RouterDependants) {
		super('The router still has subscribers, payments or waiting changes');
	}
}

export async function routerDependants(tx: Tx, routerId: string): Promise<RouterDependants> {
	const [counts] = await tx
		.select({
			total: sql<number>`count(*)::int`,
			active: sql<number>`(count(*) filter (where ${subscribers.status} = 'active' and ${subscribers.expiresAt} > now()))::int`,
			expired: sql<number>`(count(*) filter (where ${subscribers.status} = 'expired' or (${subscribers.status} = 'active' and ${subscribers.expiresAt} <= now())))::int`,
			pending: sql<number>`(count(*) filter (where ${subscribers.status} = 'pending'))::int`,
			suspended: sql<number>`(count(*) filter (where ${subscribers.status} = 'suspended'))::int`
		})
		.from(subscribers)
		.where(eq(subscribers.routerId, routerId));
	const [jobs] = await tx
		.select({
			open: sql<number>`(count(*) filter (where ${provisioningJobs.status} in ('pending', 'running')))::int`,
			failed: sql<number>`(count(*) filter (where ${provisioningJobs.status} = 'failed'))::int`
		})
		.from(provisioningJobs)
		.where(eq(provisioningJobs.routerId, routerId));
	// The portal records the router a payment was made at (device.router): that payment's history names it.
	const [paid] = await tx
		.select({ n: sql<number>`count(*)::int` })
		.from(payments)
		.where(sql`${payments.device} ->> 'router' = ${routerId}`);
	return {
		subscribers: {
			total: counts?.total ?? 0,
			active: counts?.active ?? 0,
			expired: counts?.expired ?? 0,
			pending: counts?.pending ?? 0,
			suspended: counts?.suspended ?? 0
		},
		openJobs: jobs?.open ?? 0,
		failedJobs: jobs?.failed ?? 0,
		paymentsAt: paid?.n ?? 0
	};
}

/** Whether deleting this router would lose nothing (see the module comment). */
export function deletable(d: RouterDependants): boolean {
	return d.subscribers.total === 0 && d.paymentsAt === 0 && d.openJobs === 0;
}

export interface FateOutcome {
	moved: number;
	disabled: number;
	left: number;
}

/**
 * Applies the manager's choice to every subscriber on the router. A move is the subscriber's own
 * move (removed from this router, created on the other, both as jobs); a disable suspends them, and
 * the sync job this queues disables the router user and drops the live session. The jobs are
 * queued before the router is retired (same transaction, same timestamp), so they are still sent.
 */
async function applyFate(tx: Tx, router: Router, fate: SubscriberFate): Promise<FateOutcome> {
	const outcome: FateOutcome = { moved: 0, disabled: 0, left: 0 };
	if (fate.kind === 'move') {
		if (fate.routerId === router.id) throw new RouterNotOpen('same');
		await assertRouterOpen(tx, router.tenantId, fate.routerId);
		outcome.moved = await moveRouterSubscribers(tx, router.id, fate.routerId);
		return outcome;
	}
	if (fate.kind === 'disable') {
		const suspended = await tx
			.update(subscribers)
			.set({ status: 'suspended', updatedAt: new Date() })
			.where(and(eq(subscribers.routerId, router.id), ne(subscribers.status, 'suspended')))
			.returning({ id: subscribers.id });
		await enqueueJobs(
			tx,
			suspended.map(({ id }) => ({
				tenantId: router.tenantId,
				routerId: router.id,
				action: 'sync_subscriber' as const,
				subscriberId: id
			}))
		);
		outcome.disabled = suspended.length;
		return outcome;
	}
	const [left] = await tx
		.select({ n: sql<number>`count(*)::int` })
		.from(subscribers)
		.where(eq(subscribers.routerId, router.id));
	outcome.left = left?.n ?? 0;
	return outcome;
}

async function lockRouter(tx: Tx, routerId: string): Promise<Router | undefined> {
	const [router] = await tx.select().from(routers).where(eq(routers.id, routerId)).for('update');
	return router;
}

/**
 * Retires a router after doing what the manager chose with its subscribers. `retired_at` is the
 * transaction's `now()`, the same instant the jobs queued here carry: the worker sends a retired
 * router the jobs created up to that instant and closes later ones unsent (worker.ts).
 * Undefined when the router is not this scope's; a router already retired stays as it was.
 */
export async function retireRouter(
	tx: Tx,
	routerId: string,
	fate: SubscriberFate
): Promise<{ router: Router; outcome: FateOutcome } | undefined> {
	const router = await lockRouter(tx, routerId);
	if (!router) return undefined;
	if (router.retiredAt) return { router, outcome: { moved: 0, disabled: 0, left: 0 } };
	const outcome = await applyFate(tx, router, fate);
	const [retired] = await tx
		.update(routers)
		.set({ retiredAt: sql`now()` })
		.where(eq(routers.id, routerId))
		.returning();
	return { router: retired!, outcome };
}

/** Back in service: offered again, and reconciled at the worker's next pass (changes made while retired were not sent). */
export async function reactivateRouter(tx: Tx, routerId: string): Promise<Router | undefined> {
	const [row] = await tx
		.update(routers)
		.set({ retiredAt: null, lastReconciledAt: null })
		.where(eq(routers.id, routerId))
		.returning();
	return row;
}

/**
 * Moves every subscriber off a router (the first step of deleting one that has subscribers) and
 * retires it, so none is put back on it meanwhile. The removals go out as jobs; once they are sent
 * the router can be deleted.
 */
export async function moveSubscribersAndRetire(tx: Tx, routerId: string, toRouterId: string) {
	const router = await lockRouter(tx, routerId);
	if (!router) return undefined;
	const outcome = await applyFate(tx, router, { kind: 'move', routerId: toRouterId });
	const [retired] = router.retiredAt
		? [router]
		: await tx
				.update(routers)
				.set({ retiredAt: sql`now()` })
				.where(eq(routers.id, routerId))
				.returning();
	return { router: retired!, outcome };
}

/**
 * A retirement as a manager asks for it, audited: from the retire page with the manager's choice for
 * the subscribers (router.retire), or as the delete page's first step, which moves them all before
 * the router can go (router.move_subscribers). Undefined when the router is not this scope's;
 * throws RouterNotOpen when the router to move to cannot take them.
 */
export async function retireAndAudit(
	tx: Tx,
	routerId: string,
	retirement:
		{ step: 'retire'; fate: SubscriberFate } | { step: 'move-before-delete'; toRouterId: string },
	actor: AuditActor
): Promise<{ router: Router; outcome: FateOutcome } | undefined> {
	if (retirement.step === 'move-before-delete') {
		const result = await moveSubscribersAndRetire(tx, routerId, retirement.toRouterId);
		if (!result) return undefined;
		await writeAudit(tx, {
			tenantId: result.router.tenantId,
			actor,
			action: 'router.move_subscribers',
			target: result.router.name,
			detail: {
				routerId: result.router.id,
				moved: result.outcome.moved,
				movedToId: retirement.toRouterId
			}
		});
		return result;
	}
	const { fate } = retirement;
	const result = await retireRouter(tx, routerId, fate);
	if (!result) return undefined;
	const target =
		fate.kind === 'move'
			? (await openRouters(tx, result.router.tenantId)).find((r) => r.id === fate.routerId)
			: undefined;
	await writeAudit(tx, {
		tenantId: result.router.tenantId,
		actor,
		action: 'router.retire',
		target: result.router.name,
		detail: {
			routerId: result.router.id,
			subscribers: fate.kind,
			...result.outcome,
			...(target ? { movedTo: target.name, movedToId: target.id } : {})
		}
	});
	return result;
}

/** deleteRouter, audited as router.delete. */
export async function deleteAndAudit(
	tx: Tx,
	routerId: string,
	actor: AuditActor
): Promise<Router | undefined> {
	const router = await deleteRouter(tx, routerId);
	if (router)
		await writeAudit(tx, {
			tenantId: router.tenantId,
			actor,
			action: 'router.delete',
			target: router.name,
			detail: { routerId: router.id, host: router.host, port: router.port }
		});
	return router;
}

/**
 * Deletes a router when that loses nothing (see `deletable`); throws RouterInUse otherwise. Its
 * finished and failed jobs go with it (the foreign key cascades); the audit log keeps its name.
 */
export async function deleteRouter(tx: Tx, routerId: string): Promise<Router | undefined> {
	const router = await lockRouter(tx, routerId);
	if (!router) return undefined;
	const dependants = await routerDependants(tx, routerId);
	if (!deletable(dependants)) throw new RouterInUse(dependants);
	await tx.delete(routers).where(eq(routers.id, routerId));
	return router;
}

/** The tenant's routers that take subscribers, except `except`: where a retiring router's subscribers may go. */
export async function openRouters(tx: Tx, tenantId: string, except?: string) {
	return tx
		.select({ id: routers.id, name: routers.name })
		.from(routers)
		.where(
			and(
				eq(routers.tenantId, tenantId),
				isNull(routers.retiredAt),
				except ? ne(routers.id, except) : undefined
			)
		)
		.orderBy(routers.name);
}
