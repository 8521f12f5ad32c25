/**
 * Issue 12 item 2, through the manager's pages: retiring and deleting a router is this tenant's
 * business only (row-level security, not a WHERE clause), bad input is a 400 with field messages,
 * an agent cannot do it, each step is audited, and a retired router cannot be chosen by a forged
 * registration post. On real Postgres when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '$lib/server/db';
import { createPackage } from '$lib/server/network/packages';
import { createRouter } from '$lib/server/network/routers';
import { registerSubscriber } from '$lib/server/network/subscribers';
import { createTenant } from '$lib/server/tenants/tenants';
import { PLATFORM_TENANT_ID } from '$lib/server/tenants/root';
import {
	addStaff,
	auditEntries,
	localsFor,
	routerRow,
	subscriberRow,
	subscriberRows
} from '$lib/server/testing/staff';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { actions as retireActions } from './[id=uuid]/retire/+page.server';
import { actions as deleteActions } from './[id=uuid]/delete/+page.server';
import { actions as routerActions } from './[id=uuid]/+page.server';
import { actions as registerActions } from '../subscribers/new/+page.server';

let db: TestDatabase;
let tenantId: string;
let otherTenantId: string;
let manager: App.Locals;
let agent: App.Locals;
let dailyId: string;
let theirRouterId: string;

const routerInput = (name: string) => ({
	name,
	host: '203.0.113.9',
	port: 8728,
	tls: false,
	username: 'mtandao',
	password: '',
	hotspotServer: 'all'
});

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 't' };
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Retiring ISP', slug: 'retiring-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	otherTenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Neighbour ISP', slug: 'neighbour-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	const [admin, field] = await addStaff(tenantId, [
		{ role: 'tenant_admin', name: 'Manager', phone: '254700000211' },
		{ role: 'agent', name: 'Agent', phone: '254700000212' }
	]);
	manager = localsFor(admin!);
	agent = localsFor(field!);
	dailyId = await withTenant(
		tenantId,
		async (tx) =>
			(
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
			).id
	);
	theirRouterId = await withTenant(
		otherTenantId,
		async (tx) => (await createRouter(tx, otherTenantId, routerInput('Theirs'))).id
	);
});

afterAll(async () => {
	await db?.close();
});

type Handler = (event: unknown) => Promise<unknown>;

function post(
	handler: Handler,
	fields: Record<string, string>,
	params: Record<string, string> = {},
	locals: App.Locals = manager
) {
	const body = new FormData();
	for (const [key, value] of Object.entries(fields)) body.set(key, value);
	const url = new URL('http://127.0.0.1/manage/routers');
	return handler({
		request: new Request(url, { method: 'POST', body }),
		locals,
		url,
		params,
		getClientAddress: () => '203.0.113.60'
	}).catch((thrown: unknown) => thrown);
}

const ourRouter = (name: string) =>
	withTenant(tenantId, async (tx) => (await createRouter(tx, tenantId, routerInput(name))).id);
const retiredAt = async (id: string, scope = tenantId) => (await routerRow(scope, id))?.retiredAt;
let phone = 254712600000;
const subscriberOn = (routerId: string) =>
	withTenant(
		tenantId,
		async (tx) =>
			(
				await registerSubscriber(tx, {
					tenantId,
					name: 'Mteja',
					phone: String(++phone),
					kind: 'hotspot',
					routerId,
					packageId: dailyId,
					registeredBy: null
				})
			).subscriber
	);

describe('retiring a router through the page', () => {
	it('is a 404 for another tenant’s router, and leaves it in service', async () => {
		const result = await post(
			retireActions.default as Handler,
			{ fate: 'leave' },
			{ id: theirRouterId }
		);
		expect(result).toMatchObject({ status: 404 });
		expect(await retiredAt(theirRouterId, otherTenantId)).toBeNull();
	});

	it('is a 404 for an agent', async () => {
		const id = await ourRouter('Agent Cannot');
		expect(
			await post(retireActions.default as Handler, { fate: 'leave' }, { id }, agent)
		).toMatchObject({ status: 404 });
		expect(await retiredAt(id)).toBeNull();
	});

	it.each([
		[{}, 'fate'],
		[{ fate: 'explode' }, 'fate'],
		[{ fate: 'move' }, 'moveTo'],
		[{ fate: 'move', moveTo: 'not-a-uuid' }, 'moveTo']
	])('answers %o with 400 and a message on %s', async (fields, field) => {
		const id = await ourRouter(
			`Bad ${field} ${Object.keys(fields).length}${String((fields as { moveTo?: string }).moveTo)}`
		);
		const result = await post(retireActions.default as Handler, fields, {
			id
		});
		expect(result).toMatchObject({
			status: 400,
			data: { errors: { [field]: expect.any(String) } }
		});
		expect(await retiredAt(id)).toBeNull();
	});

	it('refuses to move subscribers to another tenant’s router, or to itself, with a field message', async () => {
		const id = await ourRouter('Forged Move');
		const s = await subscriberOn(id);
		for (const moveTo of [theirRouterId, id]) {
			const result = await post(retireActions.default as Handler, { fate: 'move', moveTo }, { id });
			expect(result).toMatchObject({
				status: 400,
				data: { errors: { moveTo: expect.any(String) } }
			});
		}
		expect(await retiredAt(id)).toBeNull();
		const still = await subscriberRow(tenantId, s.id);
		expect(still!.routerId).toBe(id);
	});

	it('retires with the choice made, writes the audit entry, and can be put back', async () => {
		const id = await ourRouter('Kilifi');
		const to = await ourRouter('Kilifi New');
		await subscriberOn(id);
		const result = await post(
			retireActions.default as Handler,
			{ fate: 'move', moveTo: to },
			{ id }
		);
		expect(result).toMatchObject({
			status: 303,
			location: `/manage/routers/${id}?retired=moved&count=1&to=${to}`
		});
		expect(await retiredAt(id)).toBeInstanceOf(Date);
		const [entry] = await auditEntries(tenantId, 'router.retire');
		expect(entry).toMatchObject({
			target: 'Kilifi',
			actorName: 'Manager',
			detail: expect.objectContaining({ subscribers: 'move', moved: 1, movedTo: 'Kilifi New' })
		});

		expect(await post(routerActions.reactivate as Handler, {}, { id })).toMatchObject({
			status: 303
		});
		expect(await retiredAt(id)).toBeNull();
		expect(
			await post(routerActions.reactivate as Handler, {}, { id: theirRouterId })
		).toMatchObject({ status: 404 });
	});

	it('keeps a retired router out of a forged registration post: 400 on the router field, nobody registered', async () => {
		const id = await ourRouter('Retired For Good');
		await post(retireActions.default as Handler, { fate: 'leave' }, { id });
		const before = await subscriberRows(tenantId);
		const result = await post(
			registerActions.default as Handler,
			{
				name: 'Forged Fatuma',
				phone: '0712999111',
				kind: 'hotspot',
				routerId: id,
				packageId: dailyId
			},
			{},
			manager
		);
		expect(result).toMatchObject({
			status: 400,
			data: { errors: { routerId: expect.any(String) } }
		});
		const foreign = await post(
			registerActions.default as Handler,
			{
				name: 'Forged Fatuma',
				phone: '0712999111',
				kind: 'hotspot',
				routerId: theirRouterId,
				packageId: dailyId
			},
			{},
			agent
		);
		expect(foreign).toMatchObject({
			status: 400,
			data: { errors: { routerId: expect.any(String) } }
		});
		expect(await subscriberRows(tenantId)).toHaveLength(before.length);
	});
});

describe('deleting a router through the page', () => {
	it('is a 404 for another tenant’s router, which stays', async () => {
		expect(await post(deleteActions.delete as Handler, {}, { id: theirRouterId })).toMatchObject({
			status: 404
		});
		expect(
			await post(deleteActions.move as Handler, { moveTo: theirRouterId }, { id: theirRouterId })
		).toMatchObject({ status: 404 });
		expect(await routerRow(otherTenantId, theirRouterId)).toBeDefined();
	});

	it('says why it cannot delete one with subscribers, and deletes an unused one with an audit entry', async () => {
		const busy = await ourRouter('Busy');
		await subscriberOn(busy);
		expect(await post(deleteActions.delete as Handler, {}, { id: busy })).toEqual({
			blocked: true
		});
		expect(await routerRow(tenantId, busy)).toBeDefined();
		expect(
			await post(deleteActions.move as Handler, { moveTo: 'nope' }, { id: busy })
		).toMatchObject({ status: 400, data: { errors: { moveTo: expect.any(String) } } });

		const unused = await ourRouter('Typo Router');
		expect(await post(deleteActions.delete as Handler, {}, { id: unused })).toMatchObject({
			status: 303,
			location: '/manage/routers?deleted=1'
		});
		expect(await routerRow(tenantId, unused)).toBeUndefined();
		const [entry] = await auditEntries(tenantId, 'router.delete');
		expect(entry).toMatchObject({ target: 'Typo Router' });
	});
});
