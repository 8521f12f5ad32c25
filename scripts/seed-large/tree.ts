/**
 * The reseller tree and what each tenant owns before any customer: under the platform root, six
 * ISPs, 54 resellers under them and 450 hotspot sites under the resellers (510 tenants); a
 * manager and field agents each; routers; hotspot packages (and home PPPoE ones above site
 * level) at Kenyan prices; an M-Pesa paybill. Tenants go in level by level
 * through the ordinary INSERT, so the trigger fills each `path` from its parent.
 *
 * Then the plan the later steps read: per tenant and service kind, how many subscribers, how many
 * existed before the year of payments began, and who may register or collect for them.
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { encryptSecret } from '../../src/lib/server/security/secrets';
import { profileNameFor } from '../../src/lib/server/network/packages';
import { PLATFORM_TENANT_ID } from '../../src/lib/server/tenants/root';
import { BRAND_COLOURS, ESTATES, FIRST_NAMES, ISPS, SURNAMES, TOWNS, slugify } from './kenya';
import { SEED_LOGINS, SEED_SCHEMA } from './logins';
import type { Random } from './random';

type Kind = 'isp' | 'reseller' | 'site';

export interface PlannedTenant {
	t: number;
	id: string;
	parentId: string;
	kind: Kind;
	name: string;
	slug: string;
	hotspot: number;
	pppoe: number;
	agents: number;
	routers: number;
	place: string;
}

/** name, price (KES), validity unit and count, rate limit, devices, share of subscribers on it. */
type PackageSpec = readonly [string, number, string, number, string, number, number];

const HOTSPOT_PACKAGES: readonly PackageSpec[] = [
	['1 Hour', 10, 'hours', 1, '2M/2M', 1, 0.3],
	['3 Hours', 20, 'hours', 3, '2M/3M', 1, 0.1],
	['Daily', 30, 'days', 1, '2M/5M', 1, 0.35],
	['Weekly', 200, 'days', 7, '3M/5M', 2, 0.2],
	['Monthly Hotspot', 600, 'months', 1, '3M/6M', 3, 0.05]
];
const PPPOE_PACKAGES: readonly PackageSpec[] = [
	['Home 5 Mbps', 1500, 'months', 1, '5M/5M', 1, 0.55],
	['Home 10 Mbps', 2500, 'months', 1, '10M/10M', 1, 0.35],
	['Home 20 Mbps', 3500, 'months', 1, '20M/20M', 1, 0.1]
];

/** Share of a tenant's subscribers on home PPPoE lines. */
const PPPOE_SHARE: Record<Kind, number> = { isp: 0.25, reseller: 0.15, site: 0 };

/** The tree with each tenant's size: skewed, the first ISP largest, a long tail of small sites. */
export function planTree(scale: number, random: Random): PlannedTenant[] {
	const sized = (n: number) => Math.max(3, Math.round(n * scale));
	const planned: PlannedTenant[] = [];
	const add = (p: Omit<PlannedTenant, 't' | 'id' | 'hotspot' | 'pppoe'>, total: number) => {
		const pppoe = Math.round(total * PPPOE_SHARE[p.kind]);
		planned.push({ ...p, t: planned.length + 1, id: randomUUID(), hotspot: total - pppoe, pppoe });
		return planned[planned.length - 1]!;
	};
	const isps = ISPS.map((isp, i) =>
		add(
			{
				parentId: PLATFORM_TENANT_ID,
				kind: 'isp',
				name: isp.name,
				slug: isp.slug,
				agents: i === 0 ? 40 : 10,
				routers: i === 0 ? 40 : 8,
				place: TOWNS[i]!
			},
			sized(isp.subscribers)
		)
	);
	// Resellers ranked by size across all ISPs (Zipf), dealt to the ISPs by their counts.
	const resellerSlots = ISPS.flatMap((isp, i) => Array.from({ length: isp.resellers }, () => i));
	const resellers = resellerSlots.map((ispIndex, rank) => {
		const isp = isps[ispIndex]!;
		const town = TOWNS[(rank * 7 + ispIndex) % TOWNS.length]!;
		return add(
			{
				parentId: isp.id,
				kind: 'reseller',
				name: `${isp.name.split(' ')[0]} ${town}`,
				slug: `${isp.slug}-${slugify(town)}-${rank + 1}`,
				agents: 4,
				routers: 3,
				place: town
			},
			sized(8_000 / (rank + 1) ** 0.9)
		);
	});
	// 450 sites: the first 18 resellers get 9, the rest 8; sizes by overall rank.
	let rank = 0;
	resellers.forEach((reseller, r) => {
		for (let s = 0; s < (r < 18 ? 9 : 8); s++) {
			const estate = ESTATES[(rank * 11 + r) % ESTATES.length]!;
			rank++;
			add(
				{
					parentId: reseller.id,
					kind: 'site',
					name: `${estate} Hotspot ${rank}`,
					slug: `site-${slugify(estate)}-${rank}`,
					agents: 1,
					routers: 1,
					place: estate
				},
				Math.max(sized(40), sized(3_000 / rank ** 0.75) + Math.floor(random() * 10))
			);
		}
	});
	return planned;
}

/** The biggest reseller under the first ISP: the one whose manager gets the reseller login. */
export function resellerForLogin(tenants: PlannedTenant[]): PlannedTenant {
	return tenants.find((t) => t.kind === 'reseller' && t.parentId === tenants[0]!.id)!;
}

const pick = <T>(list: readonly T[], random: Random): T =>
	list[Math.floor(random() * list.length)]!;

export interface Tree {
	tenants: PlannedTenant[];
	/** The tenant whose manager logs in as SEED_LOGINS.largest, and the reseller's. */
	largest: PlannedTenant;
	reseller: PlannedTenant;
}

/**
 * Writes the tenants, staff, routers, packages and M-Pesa settings, then the plan tables
 * (seed_large.plan_kind, plan_pkgs, plan_routers, plan_agents). `window` is when the year of
 * payments begins: every tenant and its staff are older.
 */
export async function buildTree(
	sql: postgres.Sql,
	scale: number,
	random: Random,
	passwordHash: string,
	window: { start: Date; now: Date }
): Promise<Tree> {
	const tenants = planTree(scale, random);
	const largest = tenants[0]!;
	const reseller = resellerForLogin(tenants);
	const before = (days: number) =>
		new Date(window.start.getTime() - (365 + days) * 86_400_000 - random() * 86_400_000);

	for (const kind of ['isp', 'reseller', 'site'] as const) {
		const rows = tenants
			.filter((t) => t.kind === kind)
			.map((t) => ({
				id: t.id,
				parent_id: t.parentId,
				path: '{}',
				name: t.name,
				slug: t.slug,
				kind: t.kind,
				brand_color: BRAND_COLOURS[t.t % BRAND_COLOURS.length]!,
				agents_take_cash: t.kind !== 'isp',
				created_at: before(kind === 'isp' ? 400 : kind === 'reseller' ? 200 : 100 * random())
			}));
		await sql`insert into tenants ${sql(rows)}`;
	}
	await sql`insert into audit_log (tenant_id, actor_name, action, target, detail, created_at)
		select id, 'seed:large', 'tenant.create', slug, jsonb_build_object('name', name, 'kind', kind), created_at
		from tenants where id <> ${PLATFORM_TENANT_ID}`;

	// Staff: the platform admin, a manager per tenant, and agents. Phones 2547000000NN in order.
	let staffNumber = 2;
	const person = () => `${pick(FIRST_NAMES, random)} ${pick(SURNAMES, random)}`;
	const users: Record<string, unknown>[] = [
		{
			id: randomUUID(),
			tenant_id: PLATFORM_TENANT_ID,
			role: 'platform_admin',
			name: 'Platform Admin',
			email: SEED_LOGINS.platform.login,
			phone: null,
			password_hash: passwordHash,
			created_at: before(500)
		}
	];
	const managers = new Map<number, string>();
	const agents = new Map<number, string[]>();
	for (const t of tenants) {
		const phone =
			t === largest
				? SEED_LOGINS.largest.phone
				: t === reseller
					? SEED_LOGINS.reseller.phone
					: `2547${String(++staffNumber).padStart(8, '0')}`;
		const manager = randomUUID();
		managers.set(t.t, manager);
		users.push({
			id: manager,
			tenant_id: t.id,
			role: 'tenant_admin',
			name: person(),
			email: null,
			phone,
			password_hash: passwordHash,
			created_at: before(90)
		});
		const ids = Array.from({ length: t.agents }, () => randomUUID());
		agents.set(t.t, ids);
		for (const id of ids)
			users.push({
				id,
				tenant_id: t.id,
				role: 'agent',
				name: person(),
				email: null,
				phone: `2547${String(++staffNumber).padStart(8, '0')}`,
				password_hash: passwordHash,
				created_at: before(60 * random())
			});
	}
	for (let i = 0; i < users.length; i += 1000)
		await sql`insert into users ${sql(users.slice(i, i + 1000))}`;

	// Routers on the operator's VPN (10.x.y.z); about 3 in 100 have been down for a while.
	const routers: Record<string, unknown>[] = [];
	const routerIds = new Map<number, string[]>();
	const routerPassword = encryptSecret('api-password-seed');
	for (const t of tenants) {
		const ids: string[] = [];
		for (let r = 1; r <= t.routers; r++) {
			const id = randomUUID();
			ids.push(id);
			const down = random() < 0.03;
			const downSince = new Date(window.now.getTime() - (0.5 + random() * 30) * 3_600_000);
			routers.push({
				tenant_id: t.id,
				id,
				name: t.routers === 1 ? `${t.place} Router` : `${t.place} ${r}`,
				host: `10.${(t.t >> 6) & 255}.${(t.t & 63) * 4 + Math.floor(r / 64)}.${r % 64 || 64}`,
				port: 8728,
				tls: false,
				username: 'mtandao',
				password_enc: routerPassword,
				hotspot_server: 'all',
				identity: `${slugify(t.place)}-${r}`,
				version: '7.16.2',
				last_seen_at: down ? downSince : new Date(window.now.getTime() - random() * 60_000),
				last_error: down ? 'connect ETIMEDOUT' : null,
				last_error_at: down ? window.now : null,
				down_since: down ? downSince : null,
				down_alerted_at: down ? new Date(downSince.getTime() + 5 * 60_000) : null,
				created_at: before(50)
			});
		}
		routerIds.set(t.t, ids);
	}
	for (let i = 0; i < routers.length; i += 1000)
		await sql`insert into routers ${sql(routers.slice(i, i + 1000))}`;

	// Packages: a tenant's prices vary a little around the common ones.
	const packageRows: Record<string, unknown>[] = [];
	const planPkgs: { t: number; kind: string; pos: number; package_id: string; share: number }[] =
		[];
	for (const t of tenants) {
		const sets: [string, readonly PackageSpec[]][] = [['hotspot', HOTSPOT_PACKAGES]];
		if (t.kind !== 'site') sets.push(['pppoe', PPPOE_PACKAGES]);
		for (const [kind, list] of sets)
			list.forEach(([name, price, unit, count, rateLimit, devices, share], i) => {
				const id = randomUUID();
				const dearer = price >= 200 && random() < 0.3 ? Math.round(price * 1.25) : price;
				packageRows.push({
					tenant_id: t.id,
					id,
					name,
					kind,
					price_kes: dearer,
					validity_unit: unit,
					validity_count: count,
					rate_limit: rateLimit,
					shared_devices: devices,
					profile_name: profileNameFor(name, id),
					created_at: before(40)
				});
				planPkgs.push({ t: t.t, kind, pos: i + 1, package_id: id, share });
			});
	}
	for (let i = 0; i < packageRows.length; i += 1000)
		await sql`insert into packages ${sql(packageRows.slice(i, i + 1000))}`;

	// M-Pesa: a paybill each (customers type their account number); keys sealed as the app seals them.
	const sealed = {
		consumer_key_enc: encryptSecret('seed-consumer-key'),
		consumer_secret_enc: encryptSecret('seed-consumer-secret'),
		passkey_enc: encryptSecret('seed-passkey')
	};
	const mpesa = tenants.map((t) => ({
		tenant_id: t.id,
		kind: 'paybill',
		shortcode: String(t.kind === 'site' ? 5_100_000 + t.t : 400_000 + t.t * 7),
		till_number: null,
		...sealed,
		environment: 'production',
		callback_token: randomUUID().replaceAll('-', ''),
		strict_validation: false
	}));
	await sql`insert into mpesa_settings ${sql(mpesa)}`;

	// The plan the subscriber and payment steps read.
	await sql.unsafe(`
		create table ${SEED_SCHEMA}.plan_kind (t int, tenant_id uuid, kind text, n int, n0 int, acct_offset int,
			rate float8 not null default 0, manager uuid, shortcode text, routers int, agents int, primary key (t, kind));
		create table ${SEED_SCHEMA}.plan_pkgs (t int, kind text, pos int, package_id uuid, share float8, primary key (t, kind, pos));
		create table ${SEED_SCHEMA}.plan_routers (t int, pos int, id uuid, primary key (t, pos));
		create table ${SEED_SCHEMA}.plan_agents (t int, pos int, id uuid, primary key (t, pos));`);
	const kinds = tenants.flatMap((t) =>
		(
			[
				['hotspot', t.hotspot, 0],
				['pppoe', t.pppoe, t.hotspot]
			] as const
		)
			.filter(([, n]) => n > 0)
			.map(([kind, n, offset]) => ({
				t: t.t,
				tenant_id: t.id,
				kind,
				n,
				// About 40% of today's subscribers were there before the year began; the rest joined during it.
				n0: Math.max(1, Math.round(n * 0.4)),
				acct_offset: offset,
				manager: managers.get(t.t)!,
				shortcode: mpesa[t.t - 1]!.shortcode,
				routers: t.routers,
				agents: t.agents
			}))
	);
	await sql`insert into ${sql(SEED_SCHEMA)}.plan_kind ${sql(kinds)}`;
	for (let i = 0; i < planPkgs.length; i += 2000)
		await sql`insert into ${sql(SEED_SCHEMA)}.plan_pkgs ${sql(planPkgs.slice(i, i + 2000))}`;
	const routerPlan = [...routerIds].flatMap(([t, ids]) =>
		ids.map((id, i) => ({ t, pos: i + 1, id }))
	);
	const agentPlan = [...agents].flatMap(([t, ids]) => ids.map((id, i) => ({ t, pos: i + 1, id })));
	for (let i = 0; i < routerPlan.length; i += 2000)
		await sql`insert into ${sql(SEED_SCHEMA)}.plan_routers ${sql(routerPlan.slice(i, i + 2000))}`;
	for (let i = 0; i < agentPlan.length; i += 2000)
		await sql`insert into ${sql(SEED_SCHEMA)}.plan_agents ${sql(agentPlan.slice(i, i + 2000))}`;
	return { tenants, largest, reseller };
}
