/**
 * Issue 14, POST /agent/sync and GET /agent/data as a stranger and a hostile page would call them:
 * always a JSON answer, 401 without a session (the phone keeps its items), 413 above the limits
 * whatever Content-Length says, 429 for one person sending too often, and no write for a request
 * another site's page makes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { paymentTenant, type PaymentFixture } from '$lib/server/testing/payments';
import { staffLocals, subscriberRows } from '$lib/server/testing/staff';
import { requestGuardHandle } from '../../../../hooks/request-guard';
import { SYNC_MAX_BYTES, SYNC_MAX_ITEMS } from '$lib/agent/schemas';
import { RATE_RULES } from '$lib/server/security/rate-limit';
import { POST } from './+server';
import { GET } from '../data/+server';

let db: TestDatabase;
let isp: PaymentFixture;
let agent: App.Locals;
const ORIGIN = 'http://127.0.0.1:4240';
const url = new URL('/agent/sync', ORIGIN);
let phone = 254713400000;

const noLocals: App.Locals = { user: null, session: null, tenantId: null, actingAs: null };

function item() {
	return {
		id: randomUUID(),
		kind: 'register',
		queuedAt: new Date().toISOString(),
		data: {
			name: 'Otieno Odhiambo',
			phone: String(++phone),
			kind: 'hotspot',
			packageId: isp.dailyId
		}
	};
}

type Init = { body?: BodyInit; headers?: Record<string, string>; duplex?: 'half' };

async function post(locals: App.Locals, init: Init) {
	const request = new Request(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: ORIGIN, ...init.headers },
		body: init.body,
		...(init.body instanceof ReadableStream ? { duplex: 'half' } : {})
	});
	const response = await POST({
		request,
		locals,
		url,
		params: {},
		getClientAddress: () => '203.0.113.9'
	} as unknown as Parameters<typeof POST>[0]);
	return {
		status: response.status,
		retryAfter: response.headers.get('retry-after'),
		body: await response.json()
	};
}

const postJson = (locals: App.Locals, value: unknown, headers: Record<string, string> = {}) =>
	post(locals, { body: JSON.stringify(value), headers });

beforeAll(async () => {
	db = await openTestDatabase();
	isp = await paymentTenant({ slug: 'sync-route', darajaUrl: 'http://127.0.0.1:1' });
	agent = await staffLocals(isp.tenantId, {
		role: 'agent',
		name: 'Agent Wafula',
		phone: '254713499999'
	});
});

afterAll(async () => {
	await db?.close();
});

describe('POST /agent/sync', () => {
	it('applies a batch and answers one result per item, in order', async () => {
		const items = [item(), { ...item(), id: 'bad' }, item()];
		const { status, body } = await postJson(agent, { items });
		expect(status).toBe(200);
		expect(body.results.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
			[items[0]!.id, 'synced'],
			['bad', 'rejected'],
			[items[2]!.id, 'synced']
		]);
	});

	it('answers 401 in JSON without a session, and registers nobody', async () => {
		const before = (await subscriberRows(isp.tenantId)).length;
		const { status, body } = await postJson(noLocals, { items: [item()] });
		expect(status).toBe(401);
		expect(body.message).toMatch(/log in/i);
		expect((await subscriberRows(isp.tenantId)).length).toBe(before);
	});

	it("refuses a request another site's page makes, whatever it carries", async () => {
		const before = (await subscriberRows(isp.tenantId)).length;
		const forged = await postJson(agent, { items: [item()] }, { origin: 'https://evil.example' });
		const crossSite = await postJson(
			agent,
			{ items: [item()] },
			{ origin: ORIGIN, 'sec-fetch-site': 'cross-site' }
		);
		const nullOrigin = await postJson(agent, { items: [item()] }, { origin: 'null' });
		const asText = await post(agent, {
			body: JSON.stringify({ items: [item()] }),
			headers: { 'content-type': 'text/plain' }
		});
		expect([forged.status, crossSite.status, nullOrigin.status, asText.status]).toEqual([
			403, 403, 403, 415
		]);
		expect((await subscriberRows(isp.tenantId)).length).toBe(before);
	});

	it('answers 413 in JSON above the item count or the byte limit, even without Content-Length', async () => {
		const before = (await subscriberRows(isp.tenantId)).length;
		const many = await postJson(agent, {
			items: Array.from({ length: SYNC_MAX_ITEMS + 1 }, item)
		});
		const huge = {
			items: [{ ...item(), data: { ...item().data, notes: 'x'.repeat(SYNC_MAX_BYTES) } }]
		};
		const declared = await postJson(agent, huge);
		const text = new TextEncoder().encode(JSON.stringify(huge));
		const chunked = await post(agent, {
			body: new ReadableStream({
				start(controller) {
					for (let at = 0; at < text.length; at += 64 * 1024)
						controller.enqueue(text.slice(at, at + 64 * 1024));
					controller.close();
				}
			})
		});
		for (const answer of [many, declared, chunked]) {
			expect(answer.status).toBe(413);
			expect(answer.body.message).toMatch(/at most 50 items and 512 KB/);
		}
		expect((await subscriberRows(isp.tenantId)).length).toBe(before);
	});

	it('answers 400 in JSON for a body that is not the envelope', async () => {
		for (const body of ['{', '[]', '{"items": {}}', 'null']) {
			const answer = await post(agent, { body });
			expect(answer.status).toBe(400);
			expect(answer.body.message).toBeTruthy();
		}
	});

	it('answers 429 in JSON once one person sends too often, and nobody else is slowed', async () => {
		const busy = await staffLocals(isp.tenantId, {
			role: 'agent',
			name: 'Agent Busy',
			phone: '254713499998'
		});
		const { limit } = RATE_RULES.syncPerUser;
		const answers = await Promise.all(
			Array.from({ length: limit }, () => post(busy, { body: '{' }).then((a) => a.status))
		);
		expect(answers.every((status) => status === 400)).toBe(true);
		const before = (await subscriberRows(isp.tenantId)).length;
		const refused = await postJson(busy, { items: [item()] });
		expect(refused.status).toBe(429);
		expect(refused.body.message).toMatch(/too often/);
		expect(Number(refused.retryAfter)).toBeGreaterThan(0);
		expect((await subscriberRows(isp.tenantId)).length).toBe(before);
		expect((await postJson(agent, { items: [item()] })).status).toBe(200);
	});

	it('is let through the request guard as JSON up to its own limit', async () => {
		const big = JSON.stringify({ items: [item()], pad: 'x'.repeat(100 * 1024) });
		const event = {
			request: new Request(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
				body: big
			}),
			url
		};
		let resolved = false;
		await requestGuardHandle({
			event,
			resolve: async () => {
				resolved = true;
				return new Response('ok');
			}
		} as unknown as Parameters<typeof requestGuardHandle>[0]);
		expect(resolved).toBe(true);
	});
});

describe('GET /agent/data', () => {
	const get = async (locals: App.Locals) => {
		const response = await GET({
			locals,
			url: new URL('/agent/data', ORIGIN)
		} as unknown as Parameters<typeof GET>[0]);
		return { status: response.status, headers: response.headers, body: await response.json() };
	};

	it('answers 401 in JSON without a session', async () => {
		const { status, body } = await get(noLocals);
		expect(status).toBe(401);
		expect(body.message).toBeTruthy();
	});

	it('gives the agent their data, never to be cached on the way', async () => {
		const { status, headers, body } = await get(agent);
		expect(status).toBe(200);
		expect(headers.get('cache-control')).toBe('private, no-store');
		expect(body.user).toMatchObject({ id: agent.user!.id, role: 'agent' });
		expect(body.subscribers.length).toBeGreaterThan(0);
		expect(Date.parse(body.syncedAt)).not.toBeNaN();
	});
});
