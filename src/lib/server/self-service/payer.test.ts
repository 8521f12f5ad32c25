import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { packages } from '../db/schema';
import { creditWallet } from '../billing/wallet';
import { createPackage } from '../network/packages';
import { registerSubscriber } from '../network/subscribers';
import { paymentTenant, type PaymentFixture } from '../testing/payments';
import { createTenant } from '../tenants/tenants';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { findPayer, maskName } from './payer';
import { publicTenant } from './tenant';

let db: TestDatabase;
let isp: PaymentFixture;
let other: PaymentFixture;
let resellerId: string;

beforeAll(async () => {
	db = await openTestDatabase();
	isp = await paymentTenant({ slug: 'payer-isp', darajaUrl: 'http://127.0.0.1:1' });
	other = await paymentTenant({ slug: 'payer-other', darajaUrl: 'http://127.0.0.1:1' });
	resellerId = (
		await createTenant(
			isp.tenantId,
			{ name: 'Payer Reseller', slug: 'payer-reseller', parentId: isp.tenantId, kind: 'reseller' },
			{ userId: undefined as unknown as string, name: 'test' }
		)
	).id;
});

afterAll(async () => {
	await db?.close();
});

describe('masking a name on the public top-up page', () => {
	it('shows the first two letters and the last of each name', () => {
		expect(maskName('Wanjiku Kamau')).toBe('Wa***u Ka***u');
		expect(maskName('  Fatuma   Hassan ')).toBe('Fa***a Ha***n');
		expect(maskName('Ali Omar')).toBe('A*** Om***r');
		expect(maskName('Hotspot 0712 345 678')).toBe('Ho***t *** *** ***');
		expect(maskName('Flat B12 Tenant')).toBe('Fl***t *** Te***t');
	});
});

describe('finding the payer', () => {
	it('finds an account by its number, with the masked name, the status, the current package to suggest and what is on sale', async () => {
		const s = await isp.subscriber('254712300001', 'Achieng Otieno');
		await withTenant(isp.tenantId, (tx) =>
			creditWallet(tx, { subscriberId: s.id, kind: 'cash', amountKes: 30 })
		);
		const found = await findPayer(isp.tenantId, { account: s.accountNumber, phone: null });
		expect(found.ok).toBe(true);
		if (!found.ok) return;
		expect(found.view).toEqual({
			maskedName: 'Ac***g Ot***o',
			status: 'expired',
			suggestedPackageId: isp.dailyId,
			packages: expect.any(Array)
		});
		expect(found.view.packages.map((p) => [p.name, p.priceKes])).toEqual([
			['1 Hour', 10],
			['Daily', 50]
		]);
	});

	it('finds by phone only when exactly one subscriber has it', async () => {
		const one = await isp.subscriber('254712300002', 'Brian Ouma');
		expect(await findPayer(isp.tenantId, { account: null, phone: '254712300002' })).toMatchObject({
			ok: true,
			subscriber: { id: one.id }
		});
		await isp.subscriber('254712300003', 'Twin One');
		await isp.subscriber('254712300003', 'Twin Two');
		expect(await findPayer(isp.tenantId, { account: null, phone: '254712300003' })).toEqual({
			ok: false,
			reason: 'ambiguous'
		});
	});

	it('tries the account number first, then the phone', async () => {
		const s = await isp.subscriber('254712300004');
		expect(
			await findPayer(isp.tenantId, { account: '0712300004', phone: '254712300004' })
		).toMatchObject({ ok: true, subscriber: { id: s.id } });
	});

	it('never finds another ISP’s subscriber, nor one of its own resellers', async () => {
		const elsewhere = await other.subscriber('254712300005');
		const below = await withTenant(
			resellerId,
			async (tx) =>
				(
					await registerSubscriber(tx, {
						tenantId: resellerId,
						name: 'Reseller Customer',
						phone: '254712300006',
						kind: 'hotspot',
						routerId: null,
						packageId: null,
						registeredBy: null
					})
				).subscriber
		);
		expect(
			await findPayer(isp.tenantId, { account: elsewhere.accountNumber, phone: '254712300005' })
		).toEqual({ ok: false, reason: 'none' });
		expect(
			await findPayer(isp.tenantId, { account: below.accountNumber, phone: '254712300006' })
		).toEqual({ ok: false, reason: 'none' });
	});

	it('offers the packages of the subscriber’s kind on sale, and their current one even if retired', async () => {
		const home = await withTenant(isp.tenantId, async (tx) => {
			const retired = await createPackage(tx, isp.tenantId, {
				name: 'Home Old',
				kind: 'pppoe',
				priceKes: 900,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '3M/3M',
				dataCapMb: null,
				sharedDevices: 1
			});
			await createPackage(tx, isp.tenantId, {
				name: 'Home 5',
				kind: 'pppoe',
				priceKes: 1500,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '5M/5M',
				dataCapMb: null,
				sharedDevices: 1
			});
			await createPackage(tx, isp.tenantId, {
				name: 'Home Gone',
				kind: 'pppoe',
				priceKes: 1000,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '4M/4M',
				dataCapMb: null,
				sharedDevices: 1
			});
			await tx.update(packages).set({ active: false }).where(eq(packages.name, 'Home Gone'));
			await tx.update(packages).set({ active: false }).where(eq(packages.id, retired.id));
			return (
				await registerSubscriber(tx, {
					tenantId: isp.tenantId,
					name: 'Mwangi Njoroge',
					phone: '254712300007',
					kind: 'pppoe',
					routerId: isp.routerId,
					packageId: retired.id,
					registeredBy: null
				})
			).subscriber;
		});
		const found = await findPayer(isp.tenantId, { account: home.accountNumber, phone: null });
		expect(found.ok && found.view.packages.map((p) => p.name)).toEqual(['Home Old', 'Home 5']);
	});
});

describe('the tenant behind a public address', () => {
	it('knows an ISP by its slug, shows only its name and colour, and nothing for the platform or a bad slug', async () => {
		expect(await publicTenant('payer-isp')).toEqual({
			id: isp.tenantId,
			slug: 'payer-isp',
			name: 'Pay payer-isp',
			brandColor: '#0b7a45'
		});
		expect(await publicTenant('no-such-isp')).toBeNull();
		expect(await publicTenant('Payer ISP')).toBeNull();
		expect(await publicTenant('platform')).toBeNull();
	});
});
