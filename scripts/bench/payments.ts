/**
 * M-Pesa callbacks on real Postgres (DESIGN.md section 10):
 *
 *   pg_insert_commits_per_s   the same Postgres's raw rate of single-row insert-and-commit, with as
 *                             many connections in flight as the callback run (the ceiling); measured
 *                             in turns with the callbacks, three times each, the best of each kept
 *   stk_callbacks_per_s       STK success callbacks handed to the callback handler (what the route
 *                             calls) and fully applied: body stored, payment settled, wallet
 *                             credited, package bought, subscription renewed, router job queued;
 *                             nothing answered before its commit (target >= 1,000)
 *   stk_callback_ratio        the two above divided (target >= 0.5)
 *   stk_callbacks_http_per_s  the same over HTTP, the load generator in this process too
 *   stk_duplicates_credited   the same callbacks sent again: credits they caused (must be 0)
 *   payment_to_router_p95_ms  callback sent -> the user enabled on a simulated MikroTik, with the
 *                             provisioning worker running as in the app (target < 2,000)
 *   pg_insert_commit_cpu_us   machine CPU (every process: Node, Postgres, its WAL writer) per raw
 *   stk_callback_cpu_us       insert-and-commit, and per callback applied; the least of the three
 *   stk_callback_cpu_ratio    rounds each, and the first divided by the second. Where the disk's
 *                             flush is slow the rates are bound by it and the rate ratio is higher;
 *                             where it is fast they are bound by the CPU and it comes near this one.
 *
 * Uses BENCH_DATABASE_URL (default the local server) and a scratch database it drops afterwards.
 *
 *   npx tsx scripts/bench/payments.ts [--callbacks 8000] [--concurrency 16]
 */
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { eq, sql } from 'drizzle-orm';
import { withTenant } from '../../src/lib/server/db';
import { inFlight, machineBusyMs, scratchDatabase } from './scratch';
import { ledgerEntries, payments, subscribers } from '../../src/lib/server/db/schema';
import { ProvisioningWorker } from '../../src/lib/server/network/worker';
import { createRouter } from '../../src/lib/server/network/routers';
import { encryptSecret } from '../../src/lib/server/security/secrets';
import { closeAllRouterConnections } from '../../src/lib/server/network/routeros/client';
import { startRouterSim } from '../../tools/sim/routeros';
import { handleMpesaCallback } from '../../src/lib/server/payments/apply-callbacks';
import {
	paymentTenant,
	startHookServer,
	type HookServer,
	type PaymentFixture
} from '../../src/lib/server/testing/payments';
import { p95 } from './results';

export interface PaymentsBench {
	pg_insert_commits_per_s: number;
	stk_callbacks_per_s: number;
	stk_callback_ratio: number;
	stk_callbacks_http_per_s: number;
	stk_duplicates_credited: number;
	payment_to_router_p95_ms: number;
	pg_insert_commit_cpu_us: number;
	stk_callback_cpu_us: number;
	stk_callback_cpu_ratio: number;
}

function stkSuccess(
	checkoutRequestId: string,
	receipt: string,
	amount: number,
	phone: string
): string {
	return JSON.stringify({
		Body: {
			stkCallback: {
				MerchantRequestID: `m-${checkoutRequestId}`,
				CheckoutRequestID: checkoutRequestId,
				ResultCode: 0,
				ResultDesc: 'The service request is processed successfully.',
				CallbackMetadata: {
					Item: [
						{ Name: 'Amount', Value: amount },
						{ Name: 'MpesaReceiptNumber', Value: receipt },
						{ Name: 'Balance' },
						{ Name: 'TransactionDate', Value: 20261125120000 },
						{ Name: 'PhoneNumber', Value: Number(phone) }
					]
				}
			}
		}
	});
}

/** `count` subscribers with a pending STK push each, written in bulk (as if `startStkPush` had run). */
async function seedPendingPushes(
	ownerUrl: string,
	fixture: PaymentFixture,
	prefix: string,
	count: number,
	phoneBase: number,
	routerId = fixture.routerId
) {
	await withTenant(fixture.tenantId, async (tx) => {
		await tx.execute(sql`
			insert into subscribers (tenant_id, account_number, name, phone, kind, status, router_id, package_id, router_username, router_password_enc)
			select ${fixture.tenantId}::uuid, ${prefix} || g, 'Bench Customer ' || g, '2547' || lpad((${phoneBase} + g)::text, 8, '0'), 'hotspot', 'pending',
				${routerId}::uuid, ${fixture.hourId}::uuid, ${prefix} || g, ${encryptSecret('bench-pass')}
			from generate_series(1, ${count}) g`);
		// As registration does: the user goes onto the router at once, disabled until paid.
		await tx.execute(sql`
			insert into provisioning_jobs (tenant_id, router_id, action, subscriber_id)
			select tenant_id, router_id, 'sync_subscriber', id from subscribers where account_number like ${`${prefix}%`} order by account_number`);
	});
	const pushes = await withTenant(fixture.tenantId, async (tx) => {
		await tx.execute(sql`
			insert into payments (tenant_id, source, channel, status, subscriber_id, package_id, phone, amount_kes, account_reference, checkout_request_id, merchant_request_id, next_query_at)
			select s.tenant_id, 'stk', 'pay', 'pending', s.id, s.package_id, s.phone, 10, s.account_number, 'ws_CO_' || s.account_number, 'm-ws_CO_' || s.account_number, now() + interval '2 minutes'
			from subscribers s where s.account_number like ${`${prefix}%`}`);
		const rows = await tx
			.select({
				checkout: payments.checkoutRequestId,
				phone: payments.phone,
				subscriberId: payments.subscriberId,
				username: subscribers.routerUsername
			})
			.from(payments)
			.innerJoin(subscribers, eq(subscribers.id, payments.subscriberId))
			.where(sql`${payments.accountReference} like ${`${prefix}%`}`);
		return rows.map((r, i) => ({
			...r,
			checkout: r.checkout!,
			receipt: `${prefix.toUpperCase()}${String(i).padStart(10 - prefix.length, '0')}`,
			subscriberId: r.subscriberId!
		}));
	});
	// A bulk load is followed by ANALYZE, as autovacuum would do within a minute: plans are then
	// made for the tables as they are, not as they were before thousands of rows arrived at once.
	const owner = postgres(ownerUrl, { max: 1, onnotice: () => {} });
	await owner`analyze`;
	await owner.end();
	return pushes;
}

/** Inserts committed per second, and the machine's CPU microseconds per insert. */
async function insertCommitRate(
	url: string,
	pool: number,
	concurrency: number,
	durationMs: number
): Promise<{ rate: number; cpuUs: number }> {
	const pg = postgres(url, { max: pool, onnotice: () => {} });
	await pg`create table if not exists bench_inserts (id bigint generated always as identity primary key, body text not null, at timestamptz not null default now())`;
	let count = 0;
	const until = performance.now() + durationMs;
	const started = performance.now();
	const busy = machineBusyMs();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (performance.now() < until) {
				await pg`insert into bench_inserts (body) values (${'{"Body":{"stkCallback":{}}}'})`;
				count++;
			}
		})
	);
	const rate = count / ((performance.now() - started) / 1000);
	const cpuUs = ((machineBusyMs() - busy) * 1000) / count;
	await pg`drop table bench_inserts`;
	await pg.end();
	return { rate, cpuUs };
}

async function postAll(
	hooks: HookServer,
	fixture: PaymentFixture,
	bodies: string[],
	concurrency: number
): Promise<number[]> {
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const url = `${hooks.url}/hooks/daraja/${fixture.tenantId}/${fixture.callbackToken}/stk`;
	const statuses = await inFlight(bodies, concurrency, (body) => post(agent, url, body));
	agent.destroy();
	return statuses;
}

async function post(agent: Agent, url: string, body: string): Promise<number> {
	return new Promise((resolvePost, reject) => {
		const req = request(
			url,
			{
				method: 'POST',
				agent,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
			},
			(res) => {
				res.resume();
				res.on('end', () => resolvePost(res.statusCode ?? 0));
			}
		);
		req.on('error', reject);
		req.end(body);
	});
}

/** Callbacks handed straight to the handler, `concurrency` in flight. */
function applyAll(
	fixture: PaymentFixture,
	bodies: string[],
	concurrency: number
): Promise<number[]> {
	return inFlight(bodies, concurrency, async (body) => {
		const answer = await handleMpesaCallback({
			tenantId: fixture.tenantId,
			token: fixture.callbackToken,
			kind: 'stk',
			body,
			contentType: 'application/json',
			remoteAddress: '127.0.0.1'
		});
		return answer.status;
	});
}

export async function benchPayments(
	options: { callbacks?: number; concurrency?: number; pool?: number; latencySamples?: number } = {}
): Promise<PaymentsBench> {
	const { callbacks = 8_000, concurrency = 64, pool = 16, latencySamples = 60 } = options;
	const scratch = await scratchDatabase(pool);
	const router = await startRouterSim({ identity: 'Bench-Pay' });
	const hooks = await startHookServer();
	try {
		const fixture = await paymentTenant({
			slug: 'bench-pay',
			darajaUrl: 'http://127.0.0.1:9',
			routerHost: router.host,
			routerPort: router.port
		});

		// Warm-up: enough callbacks for every pooled connection to have run each statement a few times
		// (Postgres settles on a cached plan after five runs).
		const warm = await seedPendingPushes(scratch.url, fixture, 'w', 2_000, 10_000_000);
		await postAll(
			hooks,
			fixture,
			warm.map((p) => stkSuccess(p.checkout, p.receipt, 10, p.phone)),
			concurrency
		);

		// The ceiling (four seconds) and the callbacks are measured in turns, three times each, and the
		// best of each is kept: a passing disturbance on this shared 2-core machine (its disk's flush
		// time varies the most) then skews neither figure alone.
		const ceilings: number[] = [];
		const ceilingCpu: number[] = [];
		const rates: number[] = [];
		const callbackCpu: number[] = [];
		let bodies: string[] = [];
		for (const round of [1, 2, 3]) {
			const ceiling = await insertCommitRate(scratch.url, pool, concurrency, 4_000);
			ceilings.push(ceiling.rate);
			ceilingCpu.push(ceiling.cpuUs);
			const pushes = await seedPendingPushes(
				scratch.url,
				fixture,
				`b${round}`,
				callbacks,
				20_000_000 + round * 1_000_000
			);
			bodies = pushes.map((p) => stkSuccess(p.checkout, p.receipt, 10, p.phone));
			const started = performance.now();
			const busy = machineBusyMs();
			const statuses = await applyAll(fixture, bodies, concurrency);
			rates.push(callbacks / ((performance.now() - started) / 1000));
			callbackCpu.push(((machineBusyMs() - busy) * 1000) / callbacks);
			if (statuses.some((s) => s !== 200))
				throw new Error(`callbacks answered ${[...new Set(statuses)].join(', ')}`);
		}
		const pg_insert_commits_per_s = Math.max(...ceilings);
		const stk_callbacks_per_s = Math.max(...rates);

		const overHttp = await seedPendingPushes(scratch.url, fixture, 'h', callbacks, 40_000_000);
		const started = performance.now();
		const statuses = await postAll(
			hooks,
			fixture,
			overHttp.map((p) => stkSuccess(p.checkout, p.receipt, 10, p.phone)),
			concurrency
		);
		const stk_callbacks_http_per_s = callbacks / ((performance.now() - started) / 1000);
		if (statuses.some((s) => s !== 200))
			throw new Error(`callbacks over HTTP answered ${[...new Set(statuses)].join(', ')}`);

		const credits = async () =>
			(
				await withTenant(fixture.tenantId, (tx) =>
					tx
						.select({ n: sql<number>`count(*)::int` })
						.from(ledgerEntries)
						.where(eq(ledgerEntries.kind, 'payment'))
				)
			)[0]!.n;
		const creditedOnce = await credits();
		await postAll(hooks, fixture, bodies.slice(0, 1_000), concurrency);
		const stk_duplicates_credited = (await credits()) - creditedOnce;

		// Callback -> router: subscribers already on their router (disabled), the worker running as in
		// the app. The throughput run's router jobs are set aside (they are not what is timed here).
		await withTenant(fixture.tenantId, (tx) =>
			tx.execute(
				sql`update provisioning_jobs set status = 'done', finished_at = now() where status = 'pending'`
			)
		);
		const worker = new ProvisioningWorker({
			log: () => {},
			reconcileEveryMs: 0,
			expiryEveryMs: 3_600_000
		});
		const latencyRouter = await withTenant(fixture.tenantId, (tx) =>
			createRouter(tx, fixture.tenantId, {
				name: 'Site 2',
				host: router.host,
				port: router.port,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		);
		const latency = await seedPendingPushes(
			scratch.url,
			fixture,
			'l',
			latencySamples,
			30_000_000,
			latencyRouter.id
		);
		// Queueing wakes the worker (the outbox signals after commit): the latency is the real path.
		worker.start();
		const usernames = new Set(latency.map((p) => p.username));
		const enabledOnRouter = () =>
			router.router
				.rows('/ip/hotspot/user')
				.filter((u) => usernames.has(String(u.name)) && u.disabled === 'false')
				.map((u) => String(u.name));
		for (
			let i = 0;
			i < 200 &&
			router.router.rows('/ip/hotspot/user').filter((u) => usernames.has(String(u.name))).length <
				latency.length;
			i++
		) {
			worker.poke();
			await new Promise((r) => setTimeout(r, 50));
		}
		const samples: number[] = [];
		const agent = new Agent({ keepAlive: true });
		const hookUrl = `${hooks.url}/hooks/daraja/${fixture.tenantId}/${fixture.callbackToken}/stk`;
		for (const p of latency) {
			const t0 = performance.now();
			await post(agent, hookUrl, stkSuccess(p.checkout, p.receipt, 10, p.phone));
			for (;;) {
				const user = router.router.rows('/ip/hotspot/user').find((u) => u.name === p.username);
				if (user?.disabled === 'false') break;
				if (performance.now() - t0 > 10_000)
					throw new Error(`user ${p.username} not enabled within 10 s`);
				await new Promise((r) => setTimeout(r, 2));
			}
			samples.push(performance.now() - t0);
			// Paced like real traffic: a few payments a second, not a burst.
			await new Promise((r) => setTimeout(r, 50));
		}
		agent.destroy();
		await worker.stop();
		if (enabledOnRouter().length !== latency.length)
			throw new Error('not every paid user is enabled');

		return {
			pg_insert_commits_per_s,
			stk_callbacks_per_s,
			stk_callback_ratio: stk_callbacks_per_s / pg_insert_commits_per_s,
			stk_callbacks_http_per_s,
			stk_duplicates_credited,
			payment_to_router_p95_ms: p95(samples),
			pg_insert_commit_cpu_us: Math.min(...ceilingCpu),
			stk_callback_cpu_us: Math.min(...callbackCpu),
			stk_callback_cpu_ratio: Math.min(...ceilingCpu) / Math.min(...callbackCpu)
		};
	} finally {
		await hooks.close();
		await closeAllRouterConnections();
		await router.close();
		await scratch.drop();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const { values } = parseArgs({
		options: {
			callbacks: { type: 'string' },
			concurrency: { type: 'string' },
			pool: { type: 'string' }
		}
	});
	const result = await benchPayments({
		callbacks: values.callbacks ? Number(values.callbacks) : undefined,
		concurrency: values.concurrency ? Number(values.concurrency) : undefined,
		pool: values.pool ? Number(values.pool) : undefined
	});
	console.table(result);
	process.exit(0);
}
