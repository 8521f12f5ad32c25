/**
 * The demo a newcomer gets on first start: a platform admin, two ISPs (one with a reseller) and
 * their staff. Runs once: a second start finds the demo ISP and leaves everything as it is.
 */
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { tenants, users, type Role } from '../db/schema';
import { hashPassword } from '../auth/password';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { writeAudit } from '../audit';
import { DEMO_PASSWORD } from './logins.js';
import type { Tx } from '../db';
import { config } from '../config';
import { createPackage, type PackageInput } from '../network/packages';
import { createRouter } from '../network/routers';
import { registerSubscriber } from '../network/subscribers';
import { renewSubscription } from '../billing/renewals';
import { mpesaSettings } from '../db/schema';
import { saveMpesaSettings } from '../mpesa/settings';
import { registerC2bUrls } from '../payments/c2b';
import { safeErrorText } from '../logging/safe-error';

/** The sandbox's public STK passkey: the simulator signs every demo shortcode with it. */
const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';

export function demoDarajaUrl(): string {
	const cfg = config();
	return cfg.DEMO_MPESA_URL ?? `http://127.0.0.1:${cfg.DEMO_MPESA_PORT}`;
}

export { DEMO_LOGINS, DEMO_PASSWORD } from './logins.js';

interface DemoNetwork {
	/** The demo's M-Pesa shortcode on the simulator (signed with the sandbox passkey). */
	shortcode: string;
	routerUser: string;
	routerPassword: string;
	packages: PackageInput[];
	subscribers: {
		name: string;
		phone: string;
		kind: 'hotspot' | 'pppoe';
		package: string;
		activate: boolean;
	}[];
}

const HOTSPOT_PACKAGES: PackageInput[] = [
	{
		name: '1 Hour',
		kind: 'hotspot',
		priceKes: 10,
		validityUnit: 'hours',
		validityCount: 1,
		rateLimit: '2M/2M',
		dataCapMb: null,
		sharedDevices: 1
	},
	{
		name: 'Daily',
		kind: 'hotspot',
		priceKes: 50,
		validityUnit: 'days',
		validityCount: 1,
		rateLimit: '2M/5M',
		dataCapMb: null,
		sharedDevices: 1
	},
	{
		name: 'Weekly',
		kind: 'hotspot',
		priceKes: 250,
		validityUnit: 'days',
		validityCount: 7,
		rateLimit: '3M/5M',
		dataCapMb: null,
		sharedDevices: 2
	}
];
const HOME_PACKAGES: PackageInput[] = [
	{
		name: 'Home 5 Mbps',
		kind: 'pppoe',
		priceKes: 1500,
		validityUnit: 'months',
		validityCount: 1,
		rateLimit: '5M/5M',
		dataCapMb: null,
		sharedDevices: 1
	},
	{
		name: 'Home 10 Mbps',
		kind: 'pppoe',
		priceKes: 2500,
		validityUnit: 'months',
		validityCount: 1,
		rateLimit: '10M/10M',
		dataCapMb: null,
		sharedDevices: 1
	}
];

interface DemoTenant {
	network?: DemoNetwork;
	slug: string;
	name: string;
	kind: 'isp' | 'reseller';
	parent: string | null;
	brandColor: string;
	staff: { name: string; role: Role; phone?: string; email?: string }[];
}

const DEMO: DemoTenant[] = [
	{
		slug: 'nyota',
		name: 'Nyota Net',
		kind: 'isp',
		parent: null,
		brandColor: '#0b7a45',
		network: {
			shortcode: '174379',
			routerUser: 'nyota',
			routerPassword: 'nyota-api-demo',
			packages: [...HOTSPOT_PACKAGES, ...HOME_PACKAGES],
			subscribers: [
				{
					name: 'Achieng Otieno',
					phone: '254712000101',
					kind: 'pppoe',
					package: 'Home 5 Mbps',
					activate: true
				},
				{
					name: 'Mwangi Njoroge',
					phone: '254712000102',
					kind: 'pppoe',
					package: 'Home 10 Mbps',
					activate: true
				},
				{
					name: 'Fatuma Hassan',
					phone: '254712000103',
					kind: 'hotspot',
					package: 'Daily',
					activate: true
				},
				{
					name: 'Kiprono Langat',
					phone: '254712000104',
					kind: 'hotspot',
					package: 'Weekly',
					activate: false
				}
			]
		},
		staff: [
			{ name: 'Wanjiku Kamau', role: 'tenant_admin', phone: '254711000001' },
			{ name: 'Otieno Ochieng', role: 'agent', phone: '254711000002' }
		]
	},
	{
		slug: 'nyota-kondele',
		name: 'Nyota Kondele',
		kind: 'reseller',
		parent: 'nyota',
		brandColor: '#1d4ed8',
		network: {
			shortcode: '600101',
			routerUser: 'kondele',
			routerPassword: 'kondele-api-demo',
			packages: HOTSPOT_PACKAGES,
			subscribers: [
				{
					name: 'Brian Ouma',
					phone: '254712000201',
					kind: 'hotspot',
					package: 'Daily',
					activate: true
				}
			]
		},
		staff: [{ name: 'Akinyi Odhiambo', role: 'tenant_admin', phone: '254711000003' }]
	},
	{
		slug: 'pwani',
		name: 'Pwani WiFi',
		kind: 'isp',
		parent: null,
		brandColor: '#b45309',
		network: {
			shortcode: '600102',
			routerUser: 'pwani',
			routerPassword: 'pwani-api-demo',
			packages: HOTSPOT_PACKAGES,
			subscribers: [
				{
					name: 'Salim Omar',
					phone: '254722000301',
					kind: 'hotspot',
					package: '1 Hour',
					activate: true
				}
			]
		},
		staff: [{ name: 'Hamisi Mwinyi', role: 'tenant_admin', phone: '254722000001' }]
	}
];

export async function seedDemoIfEmpty(): Promise<boolean> {
	const seeded = await withTenant(PLATFORM_TENANT_ID, async (tx) => {
		const [existing] = await tx
			.select({ id: tenants.id })
			.from(tenants)
			.where(eq(tenants.slug, 'nyota'));
		return Boolean(existing);
	});
	if (seeded) return false;
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	await withTenant(PLATFORM_TENANT_ID, async (tx) => {
		await tx.insert(users).values({
			tenantId: PLATFORM_TENANT_ID,
			role: 'platform_admin',
			name: 'Platform Admin',
			email: 'admin@mtandao.local',
			passwordHash
		});
		const ids = new Map<string, string>();
		for (const t of DEMO) {
			const parentId = t.parent ? ids.get(t.parent)! : PLATFORM_TENANT_ID;
			const [row] = await tx
				.insert(tenants)
				.values({
					slug: t.slug,
					name: t.name,
					kind: t.kind,
					parentId,
					brandColor: t.brandColor,
					path: []
				})
				.returning({ id: tenants.id });
			ids.set(t.slug, row!.id);
			for (const s of t.staff) {
				await tx.insert(users).values({ tenantId: row!.id, passwordHash, ...s });
			}
			await writeAudit(tx, {
				tenantId: row!.id,
				actor: null,
				action: 'tenant.create',
				target: t.slug,
				detail: { demo: true }
			});
			if (t.network) await seedNetwork(tx, row!.id, t.name, t.network);
		}
	});
	return true;
}

/** One router on the demo simulator, the packages, and a few subscribers; the worker provisions them. */
async function seedNetwork(
	tx: Tx,
	tenantId: string,
	tenantName: string,
	network: DemoNetwork
): Promise<void> {
	const { DEMO_ROUTER_HOST, DEMO_ROUTER_PORT } = config();
	const router = await createRouter(tx, tenantId, {
		name: `${tenantName} HQ`,
		host: DEMO_ROUTER_HOST,
		port: DEMO_ROUTER_PORT,
		tls: false,
		username: network.routerUser,
		password: network.routerPassword,
		hotspotServer: 'all'
	});
	await saveMpesaSettings(
		tx,
		tenantId,
		{
			kind: 'paybill',
			shortcode: network.shortcode,
			tillNumber: null,
			consumerKey: `demo-key-${network.routerUser}`,
			consumerSecret: `demo-secret-${network.routerUser}`,
			passkey: SANDBOX_PASSKEY,
			environment: 'custom',
			baseUrl: demoDarajaUrl(),
			callbackIpAllowlist: null,
			strictValidation: false
		},
		null
	);
	const byName = new Map<string, string>();
	for (const input of network.packages)
		byName.set(input.name, (await createPackage(tx, tenantId, input)).id);
	for (const s of network.subscribers) {
		const { subscriber } = await registerSubscriber(tx, {
			tenantId,
			name: s.name,
			phone: s.phone,
			kind: s.kind,
			routerId: router.id,
			packageId: byName.get(s.package) ?? null,
			registeredBy: null
		});
		if (s.activate) await renewSubscription(tx, subscriber.id);
	}
}

/**
 * The simulator forgets C2B registrations when it restarts: register the demo tenants' paybill URLs
 * again on every start, so paying the demo paybill from the simulator reaches us. Best effort.
 */
export async function registerDemoPaybills(
	base: string,
	log: (line: string) => void = console.log
): Promise<void> {
	const demoUrl = demoDarajaUrl();
	const rows = await withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx
			.select({ tenantId: mpesaSettings.tenantId, baseUrl: mpesaSettings.baseUrl })
			.from(mpesaSettings)
	);
	const pending = rows.filter((r) => r.baseUrl === demoUrl);
	// The simulator starts beside the app and may not be listening yet.
	for (let attempt = 1; pending.length > 0; attempt++) {
		try {
			await registerC2bUrls(pending[0]!.tenantId, base);
			pending.shift();
		} catch (error) {
			if (attempt >= 10) return log(`Demo paybill URLs not registered: ${safeErrorText(error)}`);
			await new Promise((r) => setTimeout(r, 1_000));
		}
	}
}
