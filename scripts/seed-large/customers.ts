/**
 * Subscribers, generated in the database: Kenyan names, 2547…/2541… phones, a six-digit account
 * number (also the router username, as registerSubscriber makes it), a package by how often
 * people choose it, a router, and the agent who registered them. About 40% joined before the year
 * of payments, the rest through it, by day in working hours.
 *
 * First into a working table (seed_large.subs, numbered per tenant and kind so the payment step
 * can pick "a subscriber who existed then" by number), then into `subscribers` in chunks through
 * the ordinary INSERT, whose trigger indexes each name for the search.
 */
import { randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import { encryptSecret } from '../../src/lib/server/security/secrets';
import { FIRST_NAMES, SURNAMES } from './kenya';
import { SEED_SCHEMA as S } from './logins';

/** Router passwords are sealed as the app seals them; a pool of them is shared out. */
const PASSWORD_POOL = 256;
const CHUNK = 50_000;

/**
 * The SQL for "how many of this plan's subscribers existed by the day before `day`": the ones from
 * before the year, plus the share of the year's joiners (they joined evenly through it).
 */
export function existingBy(day: string, start: Date, now: Date): string {
	const span = (now.getTime() - start.getTime()) / 1000;
	return `greatest(1, floor(k.n0 + (k.n - k.n0) * least(1, greatest(0,
		extract(epoch from ((${day}::timestamp - interval '1 day') at time zone 'Africa/Nairobi') - '${start.toISOString()}'::timestamptz) / ${span}))))::int`;
}

export async function buildSubscribers(
	sql: postgres.Sql,
	window: { start: Date; now: Date },
	jobs: number,
	log: (line: string) => void
): Promise<number> {
	const start = window.start.toISOString();
	const now = window.now.toISOString();
	const passwords = Array.from({ length: PASSWORD_POOL }, () =>
		encryptSecret(randomBytes(6).toString('base64url'))
	);
	await sql.unsafe(
		`create unlogged table ${S}.subs as
		with drawn as materialized (
			select k.t, k.tenant_id, k.kind, k.manager, g.ord, k.acct_offset,
				case k.kind when 'hotspot' then width_bucket(random(), array[0, .3, .4, .75, .95]::float8[])
					else width_bucket(random(), array[0, .55, .9]::float8[]) end as pkg_pos,
				1 + floor(random() * k.routers)::int as router_pos,
				case when random() < 0.85 then 1 + floor(random() * k.agents)::int end as agent_pos,
				case when g.ord < k.n0
					then $1::timestamptz - interval '365 days' + ((g.ord + random()) / k.n0) * interval '365 days'
					else $1::timestamptz + ((g.ord - k.n0 + random()) / greatest(1, k.n - k.n0)) * ($2::timestamptz - $1::timestamptz)
				end as joined
			from ${S}.plan_kind k cross join lateral generate_series(0, k.n - 1) as g(ord)
		)
		select row_number() over (order by x.created_at) as seq, x.* from (
			select d.t, d.tenant_id, d.kind, d.ord, gen_random_uuid() as id,
				(100000 + ((d.ord + d.acct_offset)::bigint * 7919) % 900000)::text as account,
				($3::text[])[1 + floor(random() * cardinality($3::text[]))::int] || ' ' ||
					($4::text[])[1 + floor(random() * cardinality($4::text[]))::int] as name,
				case when random() < 0.12
					then '2541' || floor(random() * 2)::int || lpad(floor(random() * 1e7)::int::text, 7, '0')
					else '2547' || lpad(floor(random() * 1e8)::int::text, 8, '0') end as phone,
				pp.package_id, p.price_kes as price, r.id as router_id,
				coalesce(a.id, d.manager) as registered_by,
				case when a.id is not null then gen_random_uuid() end as client_ref,
				case when d.kind = 'pppoe' or random() < 0.3 then (20000000 + floor(random() * 19000000)::int)::text end as id_number,
				-- Registered in working hours, Nairobi time, never in the future.
				least($2::timestamptz - interval '1 minute',
					(date_trunc('day', d.joined at time zone 'Africa/Nairobi') + interval '7 hours'
						+ random() * interval '12 hours') at time zone 'Africa/Nairobi') as created_at
			from drawn d
			join ${S}.plan_pkgs pp on pp.t = d.t and pp.kind = d.kind and pp.pos = d.pkg_pos
			join packages p on p.id = pp.package_id
			join ${S}.plan_routers r on r.t = d.t and r.pos = d.router_pos
			left join ${S}.plan_agents a on a.t = d.t and a.pos = d.agent_pos
		) x`,
		[start, now, FIRST_NAMES, SURNAMES]
	);
	await sql.unsafe(`alter table ${S}.subs add primary key (t, kind, ord)`);
	const [{ n }] = await sql.unsafe<[{ n: number }]>(`select count(*)::int as n from ${S}.subs`);
	const chunks = Array.from({ length: Math.ceil(n / CHUNK) }, (_, i) => i * CHUNK);
	let done = 0;
	// `jobs` chunks at once: the name trigger's work spreads over as many connections.
	await Promise.all(
		Array.from({ length: jobs }, async () => {
			for (let from = chunks.shift(); from !== undefined; from = chunks.shift()) {
				await sql.unsafe(
					`insert into subscribers (tenant_id, id, account_number, name, phone, kind, router_id, package_id,
						status, router_username, router_password_enc, registered_by, client_ref, id_number, created_at, updated_at)
					select tenant_id, id, account, name, phone, kind, router_id, package_id,
						'pending', account, ($3::text[])[1 + seq % cardinality($3::text[])], registered_by, client_ref, id_number,
						created_at, created_at
					from ${S}.subs where seq > $1 and seq <= $2 order by seq`,
					[from, from + CHUNK, passwords]
				);
				done += Math.min(CHUNK, n - from);
				log(`  subscribers ${done.toLocaleString('en')} / ${n.toLocaleString('en')}`);
			}
		})
	);
	return n;
}
