import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withScope, withTenant } from '../db';
import { auditLog, passwordResets, users } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { login } from '../auth/login';
import { hashPassword } from '../auth/password';
import { createSession, generateSessionToken, validateSessionToken } from '../auth/session';
import { hashLinkSecret } from './link-tokens';
import {
	RESET_TTL_MS,
	ResetLinkClosed,
	StaffNotFound,
	findPasswordReset,
	issuePasswordReset,
	usePasswordReset
} from './password-resets';

let db: TestDatabase;
let ispId: string;
let otherIspId: string;
let manager: { userId: string; name: string };
let otherManager: { userId: string; name: string };
const OLD = 'forgotten password';
const NEW = 'brand new password';

async function addUser(tenantId: string, phone: string, role: 'agent' | 'tenant_admin' = 'agent') {
	const passwordHash = await hashPassword(OLD);
	const [user] = await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role, name: `Staff ${phone}`, phone, passwordHash })
			.returning()
	);
	return user!;
}

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 'test' };
	ispId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Reset ISP', slug: 'reset-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	otherIspId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Other ISP', slug: 'other-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	const m1 = await addUser(ispId, '254714000001', 'tenant_admin');
	const m2 = await addUser(otherIspId, '254714000002', 'tenant_admin');
	manager = { userId: m1.id, name: m1.name };
	otherManager = { userId: m2.id, name: m2.name };
});
afterAll(() => db?.close());

describe('password reset links', () => {
	it('work once: the new password is set, every session of the person ends, and the link is spent', async () => {
		const agent = await addUser(ispId, '254714000010');
		const phone = generateSessionToken();
		await createSession(phone, agent);
		const { token } = await issuePasswordReset(ispId, agent.id, manager);

		const reset = await findPasswordReset(token);
		expect(reset).toMatchObject({ userId: agent.id, name: agent.name, login: '254714000010' });
		await usePasswordReset(reset!, NEW);

		expect((await validateSessionToken(phone)).user).toBeNull();
		expect(await login('0714000010', OLD, { ip: '10.2.0.1' })).toMatchObject({ ok: false });
		expect(await login('0714000010', NEW, { ip: '10.2.0.1' })).toMatchObject({ ok: true });
		expect(await findPasswordReset(token)).toBeNull();
		// A second form sent from a page opened before the first one was used.
		await expect(usePasswordReset(reset!, 'a third password')).rejects.toBeInstanceOf(
			ResetLinkClosed
		);
		expect(await login('0714000010', 'a third password', { ip: '10.2.0.1' })).toMatchObject({
			ok: false
		});
		const audit = await withTenant(ispId, (tx) =>
			tx.select().from(auditLog).where(eq(auditLog.target, agent.name))
		);
		expect(audit.map((a) => a.action).sort()).toEqual([
			'staff.password_reset',
			'staff.password_reset_issue'
		]);
	});

	it('do nothing for a person disabled after the link was made, even on a page opened before', async () => {
		const agent = await addUser(ispId, '254714000099');
		const { token } = await issuePasswordReset(ispId, agent.id, manager);
		const reset = await findPasswordReset(token);
		expect(reset).not.toBeNull();
		await withTenant(ispId, (tx) =>
			tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, agent.id))
		);

		expect(await findPasswordReset(token)).toBeNull();
		await expect(usePasswordReset(reset!, NEW)).rejects.toBeInstanceOf(ResetLinkClosed);
		const [row] = await withTenant(ispId, (tx) =>
			tx.select().from(users).where(eq(users.id, agent.id))
		);
		expect(row!.passwordHash).toBe(agent.passwordHash);
	});

	it('expire after 24 hours, even on a page opened before', async () => {
		const agent = await addUser(ispId, '254714000011');
		const old = await issuePasswordReset(
			ispId,
			agent.id,
			manager,
			new Date(Date.now() - RESET_TTL_MS - 1000)
		);
		expect(await findPasswordReset(old.token)).toBeNull();

		const { token } = await issuePasswordReset(ispId, agent.id, manager);
		const reset = await findPasswordReset(token);
		expect(reset).not.toBeNull();
		await withTenant(ispId, (tx) =>
			tx
				.update(passwordResets)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(eq(passwordResets.id, reset!.id))
		);
		await expect(usePasswordReset(reset!, NEW)).rejects.toBeInstanceOf(ResetLinkClosed);
		expect(await login('0714000011', OLD, { ip: '10.2.0.2' })).toMatchObject({ ok: true });
	});

	it('store only a hash of the secret, carry at least 128 random bits, and refuse a forged secret', async () => {
		const agent = await addUser(ispId, '254714000012');
		const { token } = await issuePasswordReset(ispId, agent.id, manager);
		const [id, secret] = token.split('.') as [string, string];
		expect(secret.length * 5).toBeGreaterThanOrEqual(128);
		const [row] = await withTenant(ispId, (tx) =>
			tx.select().from(passwordResets).where(eq(passwordResets.id, id))
		);
		expect(row!.secretHash).toBe(hashLinkSecret(secret));
		expect(JSON.stringify(row)).not.toContain(secret);
		const flipped = secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a');
		expect(await findPasswordReset(`${id}.${flipped}`)).toBeNull();
		expect(await findPasswordReset(id)).toBeNull();
		expect(await findPasswordReset(`${token}.x`)).toBeNull();
	});

	it('a new link cancels the older ones', async () => {
		const agent = await addUser(ispId, '254714000013');
		const first = await issuePasswordReset(ispId, agent.id, manager);
		const second = await issuePasswordReset(ispId, agent.id, manager);
		expect(await findPasswordReset(first.token)).toBeNull();
		expect(await findPasswordReset(second.token)).not.toBeNull();
	});

	it('cannot be made by a manager of another tenant', async () => {
		const agent = await addUser(ispId, '254714000014');
		await expect(issuePasswordReset(otherIspId, agent.id, otherManager)).rejects.toBeInstanceOf(
			StaffNotFound
		);
		const rows = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			tx.select().from(passwordResets).where(eq(passwordResets.userId, agent.id))
		);
		expect(rows).toHaveLength(0);
		// Nor by writing the row directly in its own scope: the policy refuses another tenant's row.
		await expect(
			withTenant(otherIspId, (tx) =>
				tx.insert(passwordResets).values({
					id: 'x'.repeat(24),
					secretHash: 'h',
					tenantId: ispId,
					userId: agent.id,
					expiresAt: new Date(Date.now() + 60_000)
				})
			)
		).rejects.toThrow();
	});

	it('the reset scope shows its one row and nothing else, and writes nothing', async () => {
		const a = await addUser(ispId, '254714000015');
		const b = await addUser(ispId, '254714000016');
		const { token } = await issuePasswordReset(ispId, a.id, manager);
		await issuePasswordReset(ispId, b.id, manager);
		const id = token.split('.')[0]!;
		const seen = await withScope({ reset: id }, async (tx) => ({
			resets: await tx.select({ id: passwordResets.id }).from(passwordResets),
			users: await tx.select({ id: users.id }).from(users)
		}));
		expect(seen).toEqual({ resets: [{ id }], users: [] });
		const updated = await withScope({ reset: id }, (tx) =>
			tx.update(passwordResets).set({ usedAt: null }).where(eq(passwordResets.id, id)).returning()
		);
		expect(updated).toHaveLength(0);
	});
});
