/**
 * The manager's subscriber list at 200,000 subscribers in one tenant, on real Postgres: p95 of the
 * first page, a name search, a phone search, a status filter and a page deep into the list.
 * Uses BENCH_DATABASE_URL (default the local server) and a scratch database it drops afterwards.
 */
import postgres from 'postgres';
import { desc, sql } from 'drizzle-orm';
import { withTenant } from '../../src/lib/server/db';
import { scratchDatabase } from './scratch';
import { createTenant } from '../../src/lib/server/tenants/tenants';
import { PLATFORM_TENANT_ID } from '../../src/lib/server/tenants/root';
import { listSubscribers } from '../../src/lib/server/network/subscribers';
import { subscribers } from '../../src/lib/server/db/schema';
import { cursorTime } from '../../src/lib/server/db/keyset';
import { p95 } from './results';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 200_000);
const ROUNDS = 40;

export async function benchSubscriberList(): Promise<Record<string, number>> {
	const scratch = await scratchDatabase(4);
	try {
		const tenantId = (
			await createTenant(
				PLATFORM_TENANT_ID,
				{ name: 'Bench ISP', slug: 'bench-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
				{ userId: undefined as unknown as string, name: 'bench' }
			)
		).id;
		const first = [
			'Wanjiku',
			'Otieno',
			'Achieng',
			'Kamau',
			'Njeri',
			'Mwangi',
			'Akinyi',
			'Kiprono',
			'Chebet',
			'Mutua',
			'Wafula',
			'Nekesa'
		];
		const last = [
			'Kamau',
			'Odhiambo',
			'Mwangi',
			'Otieno',
			'Kiptoo',
			'Wambui',
			'Ouma',
			'Njoroge',
			'Barasa',
			'Hassan',
			'Omondi',
			'Muthoni'
		];
		const started = Date.now();
		await withTenant(tenantId, (tx) =>
			tx.execute(sql`
				insert into subscribers (tenant_id, account_number, name, phone, kind, status, expires_at, router_username, router_password_enc, created_at)
				select ${tenantId}::uuid, (1000000 + g)::text,
					(${`{${first.join(',')}}`}::text[])[1 + g % 12] || ' ' || (${`{${last.join(',')}}`}::text[])[1 + (g / 12) % 12] || ' ' || g,
					'2547' || lpad((g % 100000000)::text, 8, '0'), 'hotspot',
					(array['active', 'expired', 'pending', 'suspended'])[1 + g % 4],
					now() + ((g % 60) - 30) * interval '1 day', (1000000 + g)::text, 'v1.x.x.x',
					now() - g * interval '1 minute'
				from generate_series(1, ${SUBSCRIBERS}) g`)
		);
		// What autovacuum does within a minute of a bulk load: statistics for the planner, and the
		// visibility map that lets the name search read its terms from the index alone. Run as the
		// owner: the app role may not (an ANALYZE of a table it does not own is skipped with a warning).
		const owner = postgres(scratch.url, { max: 1, onnotice: () => {} });
		await owner`vacuum analyze subscribers, subscriber_search_terms`;
		await owner.end();
		const seedSeconds = (Date.now() - started) / 1000;

		const time = async (fn: () => Promise<unknown>) => {
			const samples: number[] = [];
			for (let i = 0; i < ROUNDS; i++) {
				const t = performance.now();
				await fn();
				samples.push(performance.now() - t);
			}
			return p95(samples);
		};
		// The cursor of a page four fifths down the list, as the "next" link carries it.
		const deep = await withTenant(tenantId, (tx) =>
			tx
				.select({ at: cursorTime(subscribers.createdAt), id: subscribers.id })
				.from(subscribers)
				.orderBy(desc(subscribers.createdAt), desc(subscribers.id))
				.offset(Math.floor(SUBSCRIBERS * 0.8))
				.limit(1)
		);
		const after = deep[0]!;
		return {
			subscribers_seeded: SUBSCRIBERS,
			subscribers_seed_s: seedSeconds,
			subscriber_list_first_page_p95_ms: await time(() =>
				withTenant(tenantId, (tx) => listSubscribers(tx, {}))
			),
			subscriber_list_name_search_p95_ms: await time(() =>
				withTenant(tenantId, (tx) => listSubscribers(tx, { q: 'wanj kam' }))
			),
			subscriber_list_phone_search_p95_ms: await time(() =>
				withTenant(tenantId, (tx) => listSubscribers(tx, { q: '0700 012 345' }))
			),
			subscriber_list_status_filter_p95_ms: await time(() =>
				withTenant(tenantId, (tx) => listSubscribers(tx, { status: 'suspended' }))
			),
			subscriber_list_deep_page_p95_ms: await time(() =>
				withTenant(tenantId, (tx) => listSubscribers(tx, { after }))
			)
		};
	} finally {
		await scratch.drop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.table(await benchSubscriberList());
	process.exit(0);
}
