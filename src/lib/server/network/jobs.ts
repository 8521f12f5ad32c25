/**
 * The provisioning outbox. A job is written in the same transaction as the change it carries; a
 * worker claims it later with FOR UPDATE SKIP LOCKED, so several processes can share the work.
 * A router's jobs are applied strictly in id order: a job is claimable only when no earlier job of
 * the same router is still pending or running. Failed (parked) jobs do not block later ones.
 *
 * Queueing wakes the workers of this process once the transaction commits (before, a worker would
 * find nothing), so a job is applied at once instead of after the worker's idle wait. Workers in
 * other processes find it on their next look.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterCommit, rowsOf, type Tx } from '../db';
import { provisioningJobs, type JobAction, type ProvisioningJob } from '../db/schema';

export interface NewJob {
	tenantId: string;
	routerId: string;
	action: JobAction;
	subscriberId?: string;
	packageId?: string;
	payload?: Record<string, string>;
}

const wakes = new Set<() => void>();

/** A worker of this process asks to be woken when jobs are queued; returns the way to stop. */
export function onJobsQueued(wake: () => void): () => void {
	wakes.add(wake);
	return () => wakes.delete(wake);
}

/**
 * Wakes this process's workers once the current transaction commits. `enqueueJobs` calls it; a
 * statement that inserts into provisioning_jobs itself calls it when it queued something.
 */
export function jobsQueued(): void {
	afterCommit(() => wakes.forEach((wake) => wake()));
}

export async function enqueueJobs(tx: Tx, jobs: NewJob[]): Promise<void> {
	if (jobs.length === 0) return;
	await tx.insert(provisioningJobs).values(jobs);
	jobsQueued();
}

export interface RetryPolicy {
	baseMs: number;
	capMs: number;
	maxAttempts: number;
	leaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
	baseMs: 2_000,
	capMs: 60_000,
	maxAttempts: 12,
	leaseMs: 30_000
};

/**
 * The worker's idea of "now": when a job is due, when a lease runs out, when a failed job is tried
 * again. One clock for all three (a retry's time is written from it and compared with it); a test
 * moves it on instead of waiting out a two-minute outage.
 */
export interface JobClock {
	now(): Date;
}

export const systemClock: JobClock = { now: () => new Date() };

/** Exponential backoff with equal jitter: half fixed, half random, so routers coming back are not stampeded. */
export function backoffMs(attempts: number, policy: RetryPolicy, random = Math.random): number {
	const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
	return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Claims up to `limit` jobs, at most one per router (the oldest open one). A running job whose
 * lease has run out (its worker died) is claimable again; applying it twice is harmless because
 * every router operation is idempotent.
 */
export async function claimJobs(
	tx: Tx,
	workerId: string,
	limit: number,
	policy: RetryPolicy,
	clock: JobClock = systemClock
): Promise<ProvisioningJob[]> {
	const now = sql`${clock.now().toISOString()}::timestamptz`;
	const result = await tx.execute(sql`
		with heads as (
			select j.tenant_id, j.id from provisioning_jobs j
			where ((j.status = 'pending' and j.run_after <= ${now})
			    or (j.status = 'running' and j.locked_until < ${now}))
			  and not exists (
				select 1 from provisioning_jobs e
				where e.router_id = j.router_id and e.id < j.id and e.status in ('pending', 'running')
			  )
			order by j.id
			limit ${limit}
			for update of j skip locked
		)
		update provisioning_jobs p
		set status = 'running', attempts = p.attempts + 1, locked_by = ${workerId},
		    locked_until = ${now} + make_interval(secs => ${policy.leaseMs / 1000})
		from heads h
		where p.tenant_id = h.tenant_id and p.id = h.id
		returning p.*`);
	return rowsOf<Record<string, unknown>>(result)
		.map(toJob)
		.sort((a, b) => a.id - b.id);
}

function toJob(row: Record<string, unknown>): ProvisioningJob {
	const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(String(v)));
	return {
		tenantId: String(row.tenant_id),
		id: Number(row.id),
		routerId: String(row.router_id),
		action: row.action as JobAction,
		subscriberId: (row.subscriber_id as string | null) ?? null,
		packageId: (row.package_id as string | null) ?? null,
		payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
			string,
			string
		> | null,
		status: row.status as ProvisioningJob['status'],
		attempts: Number(row.attempts),
		runAfter: date(row.run_after)!,
		lockedUntil: date(row.locked_until),
		lockedBy: (row.locked_by as string | null) ?? null,
		lastError: (row.last_error as string | null) ?? null,
		createdAt: date(row.created_at)!,
		finishedAt: date(row.finished_at),
		failureNotifiedAt: date(row.failure_notified_at)
	};
}

const heldBy = (job: ProvisioningJob, workerId: string) =>
	and(
		eq(provisioningJobs.tenantId, job.tenantId),
		eq(provisioningJobs.id, job.id),
		eq(provisioningJobs.lockedBy, workerId),
		eq(provisioningJobs.status, 'running')
	);

/** Marks a job done, but only if this worker still holds it (a slow worker must not overwrite a retry). */
export async function completeJob(tx: Tx, job: ProvisioningJob, workerId: string): Promise<void> {
	await tx
		.update(provisioningJobs)
		.set({ status: 'done', finishedAt: new Date(), lockedUntil: null, lastError: null })
		.where(heldBy(job, workerId));
}

/** Schedules the next try, or parks the job as failed after the last one. */
export async function failJob(
	tx: Tx,
	job: ProvisioningJob,
	workerId: string,
	error: string,
	policy: RetryPolicy,
	clock: JobClock = systemClock
): Promise<'retry' | 'failed'> {
	const parked = job.attempts >= policy.maxAttempts;
	const now = clock.now();
	await tx
		.update(provisioningJobs)
		.set(
			parked
				? { status: 'failed', lastError: error, lockedUntil: null, finishedAt: now }
				: {
						status: 'pending',
						lastError: error,
						lockedUntil: null,
						runAfter: new Date(now.getTime() + backoffMs(job.attempts, policy))
					}
		)
		.where(heldBy(job, workerId));
	return parked ? 'failed' : 'retry';
}

/** A manager's "retry": parked jobs go back to the queue with a fresh count. */
export async function retryFailedJobs(tx: Tx, ids: number[]): Promise<number> {
	if (ids.length === 0) return 0;
	const rows = await tx
		.update(provisioningJobs)
		.set({
			status: 'pending',
			attempts: 0,
			runAfter: new Date(),
			finishedAt: null,
			failureNotifiedAt: null
		})
		.where(and(inArray(provisioningJobs.id, ids), eq(provisioningJobs.status, 'failed')))
		.returning({ id: provisioningJobs.id });
	if (rows.length > 0) jobsQueued();
	return rows.length;
}

/**
 * The job at the head of a router's queue when it is failing (retrying or not yet parked): jobs
 * run one at a time per router, so every later job for that router waits behind it.
 */
export async function failingHeadJob(
	tx: Tx,
	routerId: string
): Promise<ProvisioningJob | undefined> {
	const [head] = await tx
		.select()
		.from(provisioningJobs)
		.where(
			and(
				eq(provisioningJobs.routerId, routerId),
				inArray(provisioningJobs.status, ['pending', 'running'])
			)
		)
		.orderBy(asc(provisioningJobs.id))
		.limit(1);
	return head && head.attempts > 0 && head.lastError ? head : undefined;
}
