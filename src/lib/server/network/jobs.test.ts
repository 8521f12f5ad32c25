import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { withTenant } from '../db';
import { provisioningJobs } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import {
	DEFAULT_RETRY,
	backoffMs,
	claimJobs,
	completeJob,
	enqueueJobs,
	failJob,
	onJobsQueued,
	retryFailedJobs
} from './jobs';
import { createRouter } from './routers';

let db: TestDatabase;
let tenantId: string;
let routerA: string;
let routerB: string;
const policy = { ...DEFAULT_RETRY, maxAttempts: 2 };

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Jobs ISP', slug: 'jobs-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			{ userId: undefined as unknown as string, name: 't' }
		)
	).id;
	await withTenant(tenantId, async (tx) => {
		const base = {
			host: '127.0.0.1',
			port: 8728,
			tls: false,
			username: 'admin',
			password: '',
			hotspotServer: 'all'
		};
		routerA = (await createRouter(tx, tenantId, { name: 'A', ...base })).id;
		routerB = (await createRouter(tx, tenantId, { name: 'B', ...base })).id;
	});
});

afterAll(() => db?.close());

beforeEach(async () => {
	await withTenant(tenantId, (tx) => tx.delete(provisioningJobs));
});

const claim = (worker: string, limit = 10) =>
	withTenant(PLATFORM_TENANT_ID, (tx) => claimJobs(tx, worker, limit, policy));
const queue = (routerId: string, n: number) =>
	withTenant(tenantId, (tx) =>
		enqueueJobs(
			tx,
			Array.from({ length: n }, (_, i) => ({
				tenantId,
				routerId,
				action: 'remove_subscriber' as const,
				payload: { username: `u${i}`, kind: 'hotspot' }
			}))
		)
	);

describe('claiming provisioning jobs', () => {
	it('hands out one job per router, oldest first, and the next only after it is done', async () => {
		await queue(routerA, 3);
		await queue(routerB, 2);
		const first = await claim('w1');
		expect(first.map((j) => j.routerId).sort()).toEqual([routerA, routerB].sort());
		expect(await claim('w2')).toEqual([]);
		const jobA = first.find((j) => j.routerId === routerA)!;
		await withTenant(tenantId, (tx) => completeJob(tx, jobA, 'w1'));
		const next = await claim('w2');
		expect(next).toHaveLength(1);
		expect(next[0]!.routerId).toBe(routerA);
		expect(next[0]!.id).toBeGreaterThan(jobA.id);
		expect(next[0]!.payload).toEqual({ username: 'u1', kind: 'hotspot' });
	});

	it('never gives the same job to two workers claiming at the same moment', async () => {
		for (let i = 0; i < 20; i++) {
			const routerId = i % 2 === 0 ? routerA : routerB;
			await queue(routerId, 1);
		}
		const results = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(`w${i}`, 1)));
		const ids = results.flat().map((j) => j.id);
		expect(new Set(ids).size).toBe(ids.length);
		// Two routers, so at most two jobs can be running at once.
		expect(ids.length).toBeLessThanOrEqual(2);
	});

	it('gives a job back when its worker died and the lease ran out', async () => {
		await queue(routerA, 1);
		const [job] = await claim('dead-worker');
		expect(await claim('w2')).toEqual([]);
		await withTenant(tenantId, (tx) =>
			tx
				.update(provisioningJobs)
				.set({ lockedUntil: sql`now() - interval '1 second'` })
				.where(eq(provisioningJobs.id, job!.id))
		);
		const [again] = await claim('w2');
		expect(again!.id).toBe(job!.id);
		expect(again!.attempts).toBe(2);
		// The dead worker cannot complete it any more; the live one can.
		await withTenant(tenantId, (tx) => completeJob(tx, job!, 'dead-worker'));
		const [row] = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.id, job!.id))
		);
		expect(row!.status).toBe('running');
	});

	it('backs off after a failure, parks the job after the last try, and lets later jobs through', async () => {
		await queue(routerA, 2);
		const [job] = await claim('w1');
		expect(
			await withTenant(tenantId, (tx) =>
				failJob(tx, job!, 'w1', 'Router unreachable (refused)', policy)
			)
		).toBe('retry');
		expect(await claim('w1')).toEqual([]); // waiting for its backoff, and still blocking the next one
		await withTenant(tenantId, (tx) =>
			tx
				.update(provisioningJobs)
				.set({ runAfter: new Date(0) })
				.where(eq(provisioningJobs.id, job!.id))
		);
		const [retry] = await claim('w1');
		expect(retry!.id).toBe(job!.id);
		expect(
			await withTenant(tenantId, (tx) =>
				failJob(tx, retry!, 'w1', 'Router unreachable (refused)', policy)
			)
		).toBe('failed');
		const [next] = await claim('w1');
		expect(next!.id).toBeGreaterThan(job!.id);

		expect(await withTenant(tenantId, (tx) => retryFailedJobs(tx, [job!.id]))).toBe(1);
		const [row] = await withTenant(tenantId, (tx) =>
			tx.select().from(provisioningJobs).where(eq(provisioningJobs.id, job!.id))
		);
		expect(row).toMatchObject({
			status: 'pending',
			attempts: 0,
			lastError: 'Router unreachable (refused)'
		});
	});

	it('grows the wait exponentially up to the cap, with jitter', () => {
		const p = { ...DEFAULT_RETRY, baseMs: 1000, capMs: 8000 };
		expect(backoffMs(1, p, () => 0)).toBe(500);
		expect(backoffMs(1, p, () => 1)).toBe(1000);
		expect(backoffMs(3, p, () => 1)).toBe(4000);
		expect(backoffMs(10, p, () => 1)).toBe(8000);
		expect(backoffMs(10, p, () => 0)).toBe(4000);
	});
});

describe('queueing wakes the workers', () => {
	const job = (routerId: string) => ({
		tenantId,
		routerId,
		action: 'remove_subscriber' as const,
		payload: { username: 'woken', kind: 'hotspot' }
	});

	it('once the transaction that queued the job has committed, so the worker finds it', async () => {
		const seen: number[] = [];
		const stop = onJobsQueued(() => void claim('woken').then((jobs) => seen.push(jobs.length)));
		try {
			await withTenant(tenantId, async (tx) => {
				await enqueueJobs(tx, [job(routerA)]);
				// Inside a savepoint too: the wake waits for the whole transaction.
				await tx.transaction((inner) => enqueueJobs(inner, [job(routerB)]));
				expect(seen).toEqual([]);
			});
			// Two wakes (one per enqueue) that between them claim both routers' jobs: usually the first
			// takes both, but on Postgres two claims at the same moment may take one each (skip locked).
			await expect.poll(() => seen.length).toBe(2);
			expect(seen[0]! + seen[1]!).toBe(2);
		} finally {
			stop();
		}
	});

	it('not when that transaction rolls back, nor for an empty list', async () => {
		let woken = 0;
		const stop = onJobsQueued(() => woken++);
		try {
			await expect(
				withTenant(tenantId, async (tx) => {
					await enqueueJobs(tx, [job(routerA)]);
					throw new Error('changed my mind');
				})
			).rejects.toThrow('changed my mind');
			await withTenant(tenantId, (tx) => enqueueJobs(tx, []));
			expect(woken).toBe(0);
		} finally {
			stop();
		}
	});
});
