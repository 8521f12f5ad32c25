/**
 * Issue 14 item 6, through the settings page, as a hostile staff member and a stranger: another
 * user's device, another tenant's, a subscription of 5 MB, an endpoint at the cloud's metadata
 * address, kinds an agent may not have, and a platform admin (no tenant to hear of).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createECDH, randomBytes } from 'node:crypto';
import { withTenant } from '$lib/server/db';
import { listDevices, type Staff } from '$lib/server/push/subscriptions';
import { createTenant } from '$lib/server/tenants/tenants';
import { PLATFORM_TENANT_ID } from '$lib/server/tenants/root';
import { addStaff, localsFor } from '$lib/server/testing/staff';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { actions, load } from './+page.server';

// Demo mode: loopback endpoints are taken (production refuses them: push/push.test.ts).
process.env.MTANDAO_MODE = 'demo';

let db: TestDatabase;
let manager: App.Locals;
let agent: App.Locals;
let neighbour: App.Locals;
let platform: App.Locals;

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 't' };
	const tenant = async (slug: string) =>
		(
			await createTenant(
				PLATFORM_TENANT_ID,
				{ name: slug, slug, parentId: PLATFORM_TENANT_ID, kind: 'isp' },
				actor
			)
		).id;
	const ours = await tenant('notify-isp');
	const theirs = await tenant('notify-other');
	const [m, a] = await addStaff(ours, [
		{ role: 'tenant_admin', name: 'Manager', phone: '254733000001' },
		{ role: 'agent', name: 'Agent', phone: '254733000002' }
	]);
	const [n] = await addStaff(theirs, [
		{ role: 'tenant_admin', name: 'Neighbour', phone: '254733000003' }
	]);
	const [p] = await addStaff(PLATFORM_TENANT_ID, [
		{ role: 'platform_admin', name: 'Platform', phone: '254733000004' }
	]);
	manager = localsFor(m!);
	agent = localsFor(a!);
	neighbour = localsFor(n!);
	platform = localsFor(p!);
});

afterAll(async () => {
	await db?.close();
});

type Handler = (event: unknown) => Promise<unknown>;

function post(handler: Handler, fields: [string, string][], locals: App.Locals) {
	const body = new FormData();
	for (const [key, value] of fields) body.append(key, value);
	const url = new URL('http://127.0.0.1/account/notifications');
	return handler({
		request: new Request(url, {
			method: 'POST',
			body,
			headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36' }
		}),
		locals,
		url
	}).catch((thrown: unknown) => thrown);
}

function subscription(endpoint = `http://127.0.0.1:9/push/${randomBytes(6).toString('hex')}`) {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	return JSON.stringify({
		endpoint,
		expirationTime: null,
		keys: {
			p256dh: ecdh.getPublicKey().toString('base64url'),
			auth: randomBytes(16).toString('base64url')
		}
	});
}

const staffOf = (locals: App.Locals): Staff => ({
	id: locals.user!.id,
	tenantId: locals.user!.tenantId,
	role: locals.user!.role
});
const devicesOf = (locals: App.Locals) =>
	withTenant(locals.user!.tenantId, (tx) => listDevices(tx, staffOf(locals)));
const subscribe = actions.subscribe as Handler;
const remove = actions.remove as Handler;

describe('the notification settings page', () => {
	it('keeps a device with the kinds ticked, labelled from the user agent', async () => {
		const result = await post(
			subscribe,
			[
				['subscription', subscription()],
				['kinds', 'payment'],
				['kinds', 'router_offline']
			],
			manager
		);
		expect(result).toMatchObject({ subscribed: expect.any(String) });
		const [device] = await devicesOf(manager);
		expect(device).toMatchObject({
			label: 'Chrome · Android',
			kinds: ['payment', 'router_offline']
		});
	});

	it('gives an agent only the payments of their subscribers, whatever the form says', async () => {
		await post(
			subscribe,
			[
				['subscription', subscription()],
				['kinds', 'payment'],
				['kinds', 'unmatched_payment'],
				['kinds', 'router_offline']
			],
			agent
		);
		expect((await devicesOf(agent)).map((d) => d.kinds)).toEqual([['payment']]);
	});

	it('refuses an endpoint at the metadata address, a private one, and a file URL, and keeps nothing', async () => {
		const before = (await devicesOf(manager)).length;
		for (const endpoint of [
			'http://169.254.169.254/latest/meta-data/',
			'https://10.1.2.3/push',
			'file:///etc/passwd'
		])
			expect(
				await post(subscribe, [['subscription', subscription(endpoint)]], manager)
			).toMatchObject({ status: 400 });
		expect(await devicesOf(manager)).toHaveLength(before);
	});

	it('refuses a 5 MB subscription before reading it, and one with keys that are not keys', async () => {
		const huge = JSON.stringify({ endpoint: 'x'.repeat(5 * 1024 * 1024) });
		expect(await post(subscribe, [['subscription', huge]], manager)).toMatchObject({
			status: 413
		});
		const badKeys = JSON.stringify({
			endpoint: 'http://127.0.0.1:9/push/bad',
			keys: { p256dh: 'AAAA', auth: 'BBBB' }
		});
		expect(await post(subscribe, [['subscription', badKeys]], manager)).toMatchObject({
			status: 400
		});
		expect(await post(subscribe, [['subscription', 'not json']], manager)).toMatchObject({
			status: 400
		});
	});

	it("removes only the user's own device: another's id, another tenant's, or a made-up one is 404", async () => {
		const [mine] = await devicesOf(manager);
		for (const who of [agent, neighbour])
			expect(await post(remove, [['id', mine!.id]], who)).toMatchObject({ status: 404 });
		expect(await post(remove, [['id', 'not-a-uuid']], manager)).toMatchObject({ status: 404 });
		expect((await devicesOf(manager)).map((d) => d.id)).toContain(mine!.id);
		expect(await post(remove, [['id', mine!.id]], manager)).toMatchObject({ removed: mine!.id });
	});

	it('is not a page for platform admins', async () => {
		const url = new URL('http://127.0.0.1/account/notifications');
		await expect(
			Promise.resolve((load as Handler)({ locals: platform, url }))
		).rejects.toMatchObject({ status: 404 });
		expect(await post(subscribe, [['subscription', subscription()]], platform)).toMatchObject({
			status: 404
		});
	});

	it("shows each user their own list and devices, with the server's public key", async () => {
		const page = (await (load as Handler)({
			locals: neighbour,
			url: new URL('http://127.0.0.1/account/notifications')
		})) as { vapidPublicKey: string; devices: unknown[]; notifications: unknown[] };
		expect(Buffer.from(page.vapidPublicKey, 'base64url')).toHaveLength(65);
		expect(page.devices).toEqual([]);
		expect(page.notifications).toEqual([]);
	});
});
