/**
 * The provisioning worker: claims jobs from the outbox and makes each router match the database.
 * Jobs carry intent ("sync this subscriber"), and the worker reads the current state when it
 * applies one, so a late or repeated job converges instead of replaying stale orders.
 * Runs in every server process; the claim query keeps them from taking the same job.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import {
	packages,
	subscribers,
	type ProvisioningJob,
	type Router,
	type ServiceKind
} from '../db/schema';
import { decryptSecret } from '../security/secrets';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { RouterAddressRefused } from './router-address';
import {
	DEFAULT_RETRY,
	claimJobs,
	completeJob,
	failJob,
	onJobsQueued,
	systemClock,
	type JobClock,
	type RetryPolicy
} from './jobs';
import {
	getRouter,
	recordRouterError,
	recordRouterSeen,
	routerSafe,
	routerTarget
} from './routers';
import { expireDueSubscribers } from './subscribers';
import { profileFor } from './packages';
import { reconcileDueRouters } from './reconcile';
import { heartbeatRound, type HeartbeatRound } from './heartbeat';
import { withRouter, type RouterApi } from './routeros/client';
import { describeRouterError } from './router-errors';
import { safeErrorText, scrubLogText } from '../logging/safe-error';
import { subscriberEntryComment } from './routeros/entry-tags';
import { dropSessions, ensureProfile, ensureUser, removeUser } from './routeros/operations';

export interface WorkerOptions {
	retry?: Partial<RetryPolicy>;
	/** How long to wait when there is nothing to do. */
	idleMs?: number;
	/** Routers worked on at once. */
	concurrency?: number;
	/** How often expired subscribers are cut off. */
	expiryEveryMs?: number;
	/** How often each router is compared with the database and repaired; 0 turns it off. */
	reconcileEveryMs?: number;
	/**
	 * How often routers nobody has talked to lately are asked if they are up (heartbeat.ts), so an
	 * idle router's outage is noticed within minutes; 0 turns it off.
	 */
	heartbeatEveryMs?: number;
	workerId?: string;
	/** When jobs are due and retried (jobs.ts); a test moves it on instead of waiting. */
	clock?: JobClock;
	log?: (line: string) => void;
}

type RouterWork = (api: RouterApi) => Promise<unknown>;

/**
 * Reads what the router should look like for this job. The router is then changed outside any
 * database transaction (a slow router must not hold a connection); a change committed after this
 * read queues its own later job, so the router still converges.
 */
async function planJob(tx: Tx, job: ProvisioningJob, router: Router): Promise<RouterWork | null> {
	switch (job.action) {
		case 'sync_subscriber': {
			const [row] = await tx
				.select({ subscriber: subscribers, pkg: packages })
				.from(subscribers)
				.leftJoin(packages, eq(packages.id, subscribers.packageId))
				.where(eq(subscribers.id, job.subscriberId!));
			// Deleted or moved since: the removal job queued with that change takes care of the router.
			if (!row || row.subscriber.routerId !== router.id) return null;
			const { subscriber, pkg } = row;
			const enabled =
				subscriber.status === 'active' &&
				subscriber.expiresAt !== null &&
				subscriber.expiresAt > new Date();
			const user = {
				name: subscriber.routerUsername,
				password: decryptSecret(subscriber.routerPasswordEnc),
				profile: pkg?.profileName ?? 'default',
				disabled: !enabled,
				comment: subscriberEntryComment(subscriber, {
					tenantId: subscriber.tenantId,
					routerId: router.id
				}),
				server: subscriber.kind === 'hotspot' ? router.hotspotServer : undefined,
				// RouterOS has no byte cap on a PPP secret (PPPoE quotas are not built yet): hotspot only.
				limitBytesTotal:
					subscriber.kind === 'hotspot' && pkg?.dataCapMb ? pkg.dataCapMb * 1024 * 1024 : undefined
			};
			return async (api) => {
				if (pkg) await ensureProfile(api, subscriber.kind, profileFor(pkg));
				await ensureUser(api, subscriber.kind, user);
				// RouterOS keeps a disabled user's live session up: cut it, or they stay online.
				if (!enabled) await dropSessions(api, subscriber.kind, user.name);
			};
		}
		case 'remove_subscriber': {
			const kind = (job.payload?.kind ?? 'hotspot') as ServiceKind;
			const username = routerSafe(job.payload?.username ?? '');
			if (!username) return null;
			if (job.subscriberId) {
				// A removal left behind by a move or a change of kind: if the subscriber is back on this
				// router as this kind by now (moved back while the router was down, or a parked removal
				// retried later), the entry is wanted again and the later sync job keeps it.
				const [now] = await tx
					.select({ routerId: subscribers.routerId, kind: subscribers.kind })
					.from(subscribers)
					.where(eq(subscribers.id, job.subscriberId));
				if (now && now.routerId === router.id && now.kind === kind) return null;
			}
			return (api) =>
				removeUser(api, kind, username, { tenantId: job.tenantId, routerId: router.id });
		}
		case 'sync_package': {
			const [pkg] = await tx.select().from(packages).where(eq(packages.id, job.packageId!));
			return pkg ? (api) => ensureProfile(api, pkg.kind, profileFor(pkg)) : null;
		}
	}
}

/**
 * A retired router is sent the jobs queued up to its retirement (the moves and disables the
 * manager chose then, and anything still waiting); a job queued later (a "left" subscriber's
 * renewal, say) is closed unsent. Reconcile repairs the router if it is put back in service.
 */
function sentAfterRetirement(job: ProvisioningJob, router: Router): boolean {
	return router.retiredAt !== null && job.createdAt.getTime() > router.retiredAt.getTime();
}

export class ProvisioningWorker {
	readonly id: string;
	private readonly retry: RetryPolicy;
	private readonly clock: JobClock;
	private running = false;
	private loop: Promise<void> | undefined;
	private expiryTimer: ReturnType<typeof setInterval> | undefined;
	private reconcileTimer: ReturnType<typeof setInterval> | undefined;
	private reconciling: Promise<unknown> | undefined;
	private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
	private beating: Promise<unknown> | undefined;
	private wake: (() => void) | undefined;
	/** Set by a poke: a job queued while a claim was on its way is looked for before sleeping. */
	private poked = false;
	private stopListening: (() => void) | undefined;

	constructor(private readonly options: WorkerOptions = {}) {
		this.id = options.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
		this.retry = { ...DEFAULT_RETRY, ...options.retry };
		this.clock = options.clock ?? systemClock;
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.stopListening = onJobsQueued(() => this.poke());
		this.loop = this.run();
		const every = this.options.expiryEveryMs ?? 10_000;
		this.expiryTimer = setInterval(
			() => void this.expireNow().catch((e) => this.log(`expiry failed: ${safeErrorText(e)}`)),
			every
		);
		const reconcileEvery = this.options.reconcileEveryMs ?? 15 * 60_000;
		if (reconcileEvery > 0) {
			this.reconcileTimer = setInterval(
				() => {
					// One pass at a time: a slow router must not pile passes up.
					this.reconciling ??= reconcileDueRouters(reconcileEvery, (line) => this.log(line))
						.catch((e) => this.log(`reconcile pass failed: ${safeErrorText(e)}`))
						.finally(() => (this.reconciling = undefined));
				},
				Math.min(reconcileEvery, 60_000)
			);
		}
		const heartbeatEvery = this.options.heartbeatEveryMs ?? 60_000;
		if (heartbeatEvery > 0) {
			this.heartbeatTimer = setInterval(() => {
				// One round at a time, like reconcile.
				this.beating ??= this.heartbeatNow()
					.catch((e) => this.log(`heartbeat failed: ${safeErrorText(e)}`))
					.finally(() => (this.beating = undefined));
			}, heartbeatEvery);
		}
	}

	async stop(): Promise<void> {
		this.running = false;
		this.stopListening?.();
		clearInterval(this.expiryTimer);
		clearInterval(this.reconcileTimer);
		clearInterval(this.heartbeatTimer);
		this.wake?.();
		await Promise.all([this.loop, this.reconciling, this.beating]);
	}

	/** Asks the routers nobody has talked to within the heartbeat's interval if they are up. */
	heartbeatNow(): Promise<HeartbeatRound> {
		return heartbeatRound({
			everyMs: this.options.heartbeatEveryMs || 60_000,
			concurrency: this.options.concurrency ?? 8,
			clock: this.clock,
			log: (line) => this.log(line)
		});
	}

	/** Cuts off subscribers whose time is up; their router jobs are queued in the same statement. */
	async expireNow(): Promise<number> {
		return withTenant(PLATFORM_TENANT_ID, (tx) => expireDueSubscribers(tx));
	}

	/** Something was queued: look now instead of after the idle wait (the outbox calls this). */
	poke(): void {
		this.poked = true;
		this.wake?.();
	}

	/** Claims and applies one round of jobs; returns how many it handled. */
	async runOnce(): Promise<number> {
		const jobs = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			claimJobs(tx, this.id, this.options.concurrency ?? 8, this.retry, this.clock)
		);
		await Promise.all(jobs.map((job) => this.handle(job)));
		return jobs.length;
	}

	private async handle(job: ProvisioningJob): Promise<void> {
		try {
			const planned = await withTenant(job.tenantId, async (tx) => {
				const router = await getRouter(tx, job.routerId);
				if (!router || sentAfterRetirement(job, router)) return null;
				return { target: routerTarget(router), work: await planJob(tx, job, router) };
			});
			if (planned?.work) await withRouter(planned.target, planned.work);
			await withTenant(job.tenantId, async (tx) => {
				if (planned?.work) await recordRouterSeen(tx, job.routerId);
				await completeJob(tx, job, this.id);
			});
		} catch (error) {
			const message = describeRouterError(error);
			const outcome = await withTenant(job.tenantId, async (tx) => {
				await recordRouterError(tx, job.routerId, message);
				// A refused address or password stays refused until a manager changes it: park now.
				const retry =
					error instanceof RouterAddressRefused ? { ...this.retry, maxAttempts: 0 } : this.retry;
				return failJob(tx, job, this.id, message, retry, this.clock);
			});
			this.log(
				`job ${job.id} (${job.action}) on router ${job.routerId}: ${scrubLogText(message)}; ${outcome === 'retry' ? 'will retry' : 'parked as failed'}`
			);
		}
	}

	private async run(): Promise<void> {
		while (this.running) {
			let handled = 0;
			this.poked = false;
			try {
				handled = await this.runOnce();
			} catch (error) {
				this.log(`claim failed: ${safeErrorText(error)}`);
			}
			if (handled === 0 && this.running && !this.poked) {
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, this.options.idleMs ?? 250);
					this.wake = () => {
						clearTimeout(timer);
						resolve();
					};
				});
				this.wake = undefined;
			}
		}
	}

	private log(line: string): void {
		(this.options.log ?? console.warn)(`[provisioning] ${line}`);
	}
}
