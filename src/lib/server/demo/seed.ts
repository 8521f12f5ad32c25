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

export { DEMO_LOGINS, DEMO_PASSWORD } from './logins.js';

interface DemoTenant {
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
		staff: [{ name: 'Akinyi Odhiambo', role: 'tenant_admin', phone: '254711000003' }]
	},
	{
		slug: 'pwani',
		name: 'Pwani WiFi',
		kind: 'isp',
		parent: null,
		brandColor: '#b45309',
		staff: [{ name: 'Hamisi Mwinyi', role: 'tenant_admin', phone: '254722000001' }]
	}
];

export async function seedDemoIfEmpty(): Promise<boolean> {
	const seeded = await withTenant(PLATFORM_TENANT_ID, async (tx) => {
		const [existing] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, 'nyota'));
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
				.values({ slug: t.slug, name: t.name, kind: t.kind, parentId, brandColor: t.brandColor, path: [] })
				.returning({ id: tenants.id });
			ids.set(t.slug, row!.id);
			for (const s of t.staff) {
				await tx.insert(users).values({ tenantId: row!.id, passwordHash, ...s });
			}
			await writeAudit(tx, { tenantId: row!.id, actor: null, action: 'tenant.create', target: t.slug, detail: { demo: true } });
		}
	});
	return true;
}
