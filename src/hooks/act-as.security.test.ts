/**
 * Issue 11 item 9: the platform admin's drill-down is read-only for real. A write in a tenant's
 * pages needs an "act as tenant" grant (reason, 30 minutes, on the session row, audited at both
 * ends in the tenant's log and the platform's); a hook enforces it for every route. Drives the
 * real /manage/packages "create" action through the session hook and the act-as hook.
 * Runs on real Postgres with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import { withTenant } from '$lib/server/db';
import { auditLog, packages, sessions, users } from '$lib/server/db/schema';
import { hashPassword } from '$lib/server/auth/password';
import {
	createSession,
	generateSessionToken,
	validateSessionToken
} from '$lib/server/auth/session';
import { ACT_AS_MS, startActingAs } from '$lib/server/auth/act-as';
import { createTenant } from '$lib/server/tenants/tenants';
import { PLATFORM_TENANT_ID } from '$lib/server/tenants/root';
import { openTestDatabase, type TestDatabase } from '$lib/server/testing/database';
import { actions } from '../routes/(app)/manage/packages/+page.server';
import { actAsHandle } from './act-as';
import { authHandle } from './auth';

let db: TestDatabase;
let ispId: string;
let adminToken: string;
let managerToken: string;

async function addUser(tenantId: string, role: 'platform_admin' | 'tenant_admin', phone: string) {
	const passwordHash = await hashPassword('correct horse battery');
	const [user] = await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role, name: `${role} ${phone}`, phone, passwordHash })
			.returning()
	);
	const token = generateSessionToken();
	await createSession(token, user!);
	return token;
}

/** A POST of the package form to /manage/packages?/create, through the hook, as the session's user. */
async function createPackageAs(
	token: string,
	name: string
): Promise<{ status: number; refused: boolean }> {
	const body = new URLSearchParams({
		name,
		kind: 'hotspot',
		priceKes: '50',
		validityCount: '1',
		validityUnit: 'days',
		rateLimit: '2M/2M',
		sharedDevices: '1'
	});
	const url = new URL('http://localhost/manage/packages?/create');
	const event = {
		url,
		request: new Request(url, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		}),
		locals: {},
		params: {},
		cookies: {
			get: (name: string) => (name === 'session' ? token : undefined),
			set: () => {},
			delete: () => {},
			getAll: () => []
		},
		isDataRequest: false,
		getClientAddress: () => '198.51.100.9'
	} as unknown as RequestEvent;
	const resolve = async (e: RequestEvent) => {
		const result = await actions.create!(e as never);
		return new Response(JSON.stringify(result ?? null), { status: 200 });
	};
	try {
		// The session hook, then the act-as hook, as hooks.server.ts runs them.
		const response = await authHandle({
			event,
			resolve: (e: RequestEvent) => actAsHandle({ event: e, resolve: resolve })
		});
		return { status: response.status, refused: response.status === 403 };
	} catch (error) {
		if (isHttpError(error)) return { status: error.status, refused: error.status === 403 };
		throw error;
	}
}

async function packagesNamed(name: string) {
	return withTenant(PLATFORM_TENANT_ID, (tx) =>
		tx.select().from(packages).where(eq(packages.name, name))
	);
}

async function auditActions(tenantId: string) {
	const rows = await withTenant(tenantId, (tx) =>
		tx.select().from(auditLog).where(eq(auditLog.tenantId, tenantId))
	);
	return rows.map((r) => r.action);
}

async function sessionId(token: string) {
	return token.split('.')[0]!;
}

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 'test' };
	ispId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Drill ISP', slug: 'drill-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	adminToken = await addUser(PLATFORM_TENANT_ID, 'platform_admin', '254714000001');
	managerToken = await addUser(ispId, 'tenant_admin', '254714000002');
});

afterAll(() => db?.close());

describe('the platform admin in a tenant’s pages', () => {
	it('is refused a write without a grant, and nothing changes', async () => {
		expect(await createPackageAs(adminToken, 'Sneaky daily')).toEqual({
			status: 403,
			refused: true
		});
		expect(await packagesNamed('Sneaky daily')).toEqual([]);
	});

	it('writes under a grant, in the granted tenant only, audited at the start in both logs and for the write', async () => {
		const { session, user } = await validateSessionToken(adminToken);
		const started = await startActingAs({
			admin: user!,
			sessionId: session!.id,
			tenantId: ispId,
			reason: 'Manager asked for a new package (ticket 88)'
		});
		expect(started.ok).toBe(true);
		const [row] = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			tx.select().from(sessions).where(eq(sessions.id, session!.id))
		);
		expect(row?.actAsTenantId).toBe(ispId);
		expect(row!.actAsUntil!.getTime() - Date.now()).toBeGreaterThan(ACT_AS_MS - 60_000);

		expect((await createPackageAs(adminToken, 'Granted daily')).refused).toBe(false);
		const [pkg] = await packagesNamed('Granted daily');
		expect(pkg?.tenantId).toBe(ispId);

		expect(await auditActions(ispId)).toEqual(
			expect.arrayContaining(['platform.act_as_start', 'package.create', 'platform.act_as_write'])
		);
		expect(await auditActions(PLATFORM_TENANT_ID)).toContain('platform.act_as_start');
		const [start] = await withTenant(ispId, (tx) =>
			tx
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.tenantId, ispId), eq(auditLog.action, 'platform.act_as_start')))
		);
		expect(start?.detail).toMatchObject({ reason: 'Manager asked for a new package (ticket 88)' });
	});

	it('is refused again once the grant has run out, and the expiry is audited in both logs', async () => {
		const id = await sessionId(adminToken);
		await withTenant(PLATFORM_TENANT_ID, (tx) =>
			tx
				.update(sessions)
				.set({ actAsUntil: new Date(Date.now() - 1000) })
				.where(eq(sessions.id, id))
		);
		expect((await createPackageAs(adminToken, 'Late daily')).refused).toBe(true);
		expect(await packagesNamed('Late daily')).toEqual([]);
		expect(await auditActions(ispId)).toContain('platform.act_as_expire');
		expect(await auditActions(PLATFORM_TENANT_ID)).toContain('platform.act_as_expire');
		const [row] = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			tx.select().from(sessions).where(eq(sessions.id, id))
		);
		expect(row?.actAsTenantId).toBeNull();
	});

	it('leaves the tenant’s own manager alone', async () => {
		expect((await createPackageAs(managerToken, 'Manager daily')).refused).toBe(false);
		expect((await packagesNamed('Manager daily'))[0]?.tenantId).toBe(ispId);
	});
});
