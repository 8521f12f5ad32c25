import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { withTenant } from '../db';
import { provisioningJobs, subscribers } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { readCursor, writeCursor } from '../http/page-cursor';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { createPackage } from './packages';
import { createRouter } from './routers';
import {
	NotInTenant,
	deleteSubscriber,
	expireDueSubscribers,
	listSubscribers,
	registerSubscriber,
	searchWords,
	setSuspended
} from './subscribers';
import { renewSubscription } from '../billing/renewals';

let db: TestDatabase;
let tenantId: string;
let otherTenantId: string;
let routerId: string;
let otherRouterId: string;
let dailyId: string;
let monthlyId: string;

const actor = { userId: undefined as unknown as string, name: 'test' };
const routerInput = {
	host: '127.0.0.1',
	port: 8728,
	tls: false,
	username: 'admin',
	password: 'secret',
	hotspotServer: 'all'
};

beforeAll(async () => {
	db = await openTestDatabase();
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Subs ISP', slug: 'subs-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	otherTenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Other ISP', slug: 'other-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	await withTenant(tenantId, async (tx) => {
		routerId = (await createRouter(tx, tenantId, { name: 'HQ', ...routerInput })).id;
		dailyId = (
			await createPackage(tx, tenantId, {
				name: 'Daily',
				kind: 'hotspot',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '2M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
		monthlyId = (
			await createPackage(tx, tenantId, {
				name: 'Monthly',
				kind: 'hotspot',
				priceKes: 1500,
				validityUnit: 'months',
				validityCount: 1,
				rateLimit: '5M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
	});
	otherRouterId = await withTenant(
		otherTenantId,
		async (tx) => (await createRouter(tx, otherTenantId, { name: 'Other HQ', ...routerInput })).id
	);
});

afterAll(() => db?.close());

const register = (
	name: string,
	phone: string,
	extra: Partial<Parameters<typeof registerSubscriber>[1]> = {}
) =>
	withTenant(tenantId, (tx) =>
		registerSubscriber(tx, {
			tenantId,
			name,
			phone,
			kind: 'hotspot',
			routerId,
			packageId: dailyId,
			registeredBy: null,
			...extra
		})
	);

const jobsFor = (subscriberId: string) =>
	withTenant(tenantId, (tx) =>
		tx.select().from(provisioningJobs).where(eq(provisioningJobs.subscriberId, subscriberId))
	);

describe('registering subscribers', () => {
	it('gives a short digits-only account number that is also the router user name', async () => {
		const { subscriber } = await register('Wanjiru Mwangi', '254712100001');
		expect(subscriber.accountNumber).toMatch(/^[1-9][0-9]{5}$/);
		expect(subscriber.routerUsername).toBe(subscriber.accountNumber);
		expect(subscriber.routerPasswordEnc).toMatch(/^v1\./);
		expect(subscriber.status).toBe('pending');
		// The router learns about it in the same transaction.
		expect(await jobsFor(subscriber.id)).toHaveLength(1);
	});

	it('returns the first registration when an offline phone sends the same one again', async () => {
		const clientRef = crypto.randomUUID();
		const first = await register('Otieno Juma', '254712100002', { clientRef });
		const again = await register('Otieno Juma', '254712100002', { clientRef });
		expect(first.created).toBe(true);
		expect(again).toEqual({ subscriber: first.subscriber, created: false });
		const rows = await withTenant(tenantId, (tx) =>
			tx.select().from(subscribers).where(eq(subscribers.clientRef, clientRef))
		);
		expect(rows).toHaveLength(1);
	});

	it('refuses another tenant’s router even though the id exists', async () => {
		await expect(
			register('Sneaky', '254712100003', { routerId: otherRouterId })
		).rejects.toBeInstanceOf(NotInTenant);
	});
});

describe('renewals and expiry', () => {
	it('renews from now when expired and from the expiry when still running, so early payers lose nothing', async () => {
		const { subscriber } = await register('Akinyi Atieno', '254712100010');
		const first = await withTenant(tenantId, (tx) => renewSubscription(tx, subscriber.id));
		const day = 24 * 60 * 60 * 1000;
		expect(first!.status).toBe('active');
		expect(Math.abs(first!.expiresAt!.getTime() - (Date.now() + day))).toBeLessThan(60_000);
		const second = await withTenant(tenantId, (tx) => renewSubscription(tx, subscriber.id));
		expect(second!.expiresAt!.getTime() - first!.expiresAt!.getTime()).toBe(day);
	});

	it('adds a calendar month for a monthly package', async () => {
		const { subscriber } = await register('Kamau Njenga', '254712100011', { packageId: monthlyId });
		await withTenant(tenantId, (tx) =>
			tx
				.update(subscribers)
				.set({ expiresAt: new Date('2027-01-31T09:00:00Z'), status: 'active' })
				.where(eq(subscribers.id, subscriber.id))
		);
		const renewed = await withTenant(tenantId, (tx) => renewSubscription(tx, subscriber.id));
		expect(renewed!.expiresAt!.toISOString()).toBe('2027-02-28T09:00:00.000Z');
	});

	it('expires only those whose time is up, and queues their router change in the same statement', async () => {
		const due = (await register('Due Now', '254712100020')).subscriber;
		const later = (await register('Paid Ahead', '254712100021')).subscriber;
		await withTenant(tenantId, async (tx) => {
			await tx
				.update(subscribers)
				.set({ status: 'active', expiresAt: new Date(Date.now() - 1000) })
				.where(eq(subscribers.id, due.id));
			await tx
				.update(subscribers)
				.set({ status: 'active', expiresAt: new Date(Date.now() + 3_600_000) })
				.where(eq(subscribers.id, later.id));
		});
		const before = (await jobsFor(due.id)).length;
		expect(
			await withTenant(PLATFORM_TENANT_ID, (tx) => expireDueSubscribers(tx))
		).toBeGreaterThanOrEqual(1);
		const rows = await withTenant(tenantId, (tx) =>
			tx
				.select()
				.from(subscribers)
				.where(sql`${subscribers.id} in (${due.id}, ${later.id})`)
		);
		expect(rows.find((r) => r.id === due.id)!.status).toBe('expired');
		expect(rows.find((r) => r.id === later.id)!.status).toBe('active');
		expect(await jobsFor(due.id)).toHaveLength(before + 1);
		// Nothing left to expire: a second run changes nothing.
		expect(await withTenant(PLATFORM_TENANT_ID, (tx) => expireDueSubscribers(tx))).toBe(0);
	});

	it('keeps a suspended subscriber suspended when paid, and resumes to active while time remains', async () => {
		const { subscriber } = await register('Suspended Sam', '254712100030');
		await withTenant(tenantId, (tx) => setSuspended(tx, subscriber.id, true));
		const renewed = await withTenant(tenantId, (tx) => renewSubscription(tx, subscriber.id));
		expect(renewed!.status).toBe('suspended');
		const resumed = await withTenant(tenantId, (tx) => setSuspended(tx, subscriber.id, false));
		expect(resumed!.status).toBe('active');
	});

	it('queues a removal with the user name when a subscriber is deleted', async () => {
		const { subscriber } = await register('Gone Soon', '254712100040');
		await withTenant(tenantId, (tx) => deleteSubscriber(tx, subscriber.id));
		const removals = await withTenant(tenantId, (tx) =>
			tx
				.select()
				.from(provisioningJobs)
				.where(
					and(
						eq(provisioningJobs.action, 'remove_subscriber'),
						eq(provisioningJobs.routerId, routerId)
					)
				)
		);
		expect(removals.map((j) => j.payload)).toContainEqual({
			username: subscriber.routerUsername,
			kind: 'hotspot'
		});
	});
});

describe('the subscriber list', () => {
	it('finds by any word of the name as typed so far, by phone in any shape, and by account number', async () => {
		const { subscriber } = await register('Nekesa Wafula Barasa', '254712100050');
		const search = (q: string) =>
			withTenant(tenantId, (tx) => listSubscribers(tx, { q })).then((r) =>
				r.rows.map((row) => row.id)
			);
		expect(await search('wafu')).toContain(subscriber.id);
		expect(await search('nek bar')).toContain(subscriber.id);
		expect(await search('0712 100 050')).toContain(subscriber.id);
		expect(await search(subscriber.accountNumber)).toContain(subscriber.id);
		expect(await search('nobody-like-this')).not.toContain(subscriber.id);
		expect(await search("'); drop table subscribers; --")).toEqual([]);
	});

	it('pages with the URL cursor without repeating or skipping anyone, also rows made in the same millisecond', async () => {
		const made: string[] = [];
		for (let i = 0; i < 7; i++)
			made.push(
				(await register(`Pager ${i}`, `2547121002${String(i).padStart(2, '0')}`)).subscriber.id
			);
		// As a bulk import makes them: three at the very same time, two others apart by microseconds only.
		const times = [
			'08:30:00.123100',
			'08:30:00.123100',
			'08:30:00.123100',
			'08:30:00.123400',
			'08:30:00.123700'
		];
		await withTenant(tenantId, async (tx) => {
			for (const [i, time] of times.entries())
				await tx
					.update(subscribers)
					.set({ createdAt: sql`${`2026-11-25 ${time}+00`}::timestamptz` })
					.where(eq(subscribers.id, made[i]!));
		});
		const seen: string[] = [];
		let cursor: string | null = null;
		for (;;) {
			const after = readCursor(cursor);
			const page = await withTenant(tenantId, (tx) => listSubscribers(tx, { limit: 3, after }));
			seen.push(...page.rows.map((r) => r.id));
			if (!page.next) break;
			cursor = writeCursor(page.next);
		}
		const all = await withTenant(tenantId, (tx) =>
			tx.select({ id: subscribers.id }).from(subscribers)
		);
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen.sort()).toEqual(all.map((r) => r.id).sort());
	});

	it('turns search text into words and nothing else', () => {
		expect(searchWords("Wan' Kam:*|")).toEqual(['wan', 'kam']);
		expect(searchWords('  ')).toEqual([]);
	});

	it('finds a renamed subscriber by the new name only', async () => {
		const { subscriber } = await register('Old Name', '254712100060');
		await withTenant(tenantId, (tx) =>
			tx
				.update(subscribers)
				.set({ name: 'Chebet Kiprotich' })
				.where(eq(subscribers.id, subscriber.id))
		);
		const search = (q: string) =>
			withTenant(tenantId, (tx) => listSubscribers(tx, { q })).then((r) =>
				r.rows.map((row) => row.id)
			);
		expect(await search('kiprot')).toContain(subscriber.id);
		expect(await search('old')).not.toContain(subscriber.id);
	});
});
