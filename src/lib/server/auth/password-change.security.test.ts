import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { auditLog, users } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { login } from './login';
import { hashPassword } from './password';
import { changeOwnPassword } from './password-change';
import {
	createSession,
	generateSessionToken,
	validateSessionToken,
	type SessionUser
} from './session';
import { MAX_FAILURES } from './throttle';

let db: TestDatabase;
let tenantId: string;
const OLD = 'old password 1';
const NEW = 'new password 2';

async function addUser(phone: string): Promise<SessionUser> {
	const passwordHash = await hashPassword(OLD);
	const [user] = await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role: 'agent', name: `Agent ${phone}`, phone, passwordHash })
			.returning()
	);
	return {
		id: user!.id,
		tenantId,
		role: user!.role,
		name: user!.name,
		email: null,
		phone,
		locale: null
	};
}

async function signIn(user: SessionUser) {
	const token = generateSessionToken();
	const session = await createSession(token, user);
	return { token, session };
}

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 'test' };
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Password ISP', slug: 'password-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
});
afterAll(() => db?.close());

describe('changing one’s own password', () => {
	it('needs the current password, ends every other session of the user and keeps this one', async () => {
		const user = await addUser('254713000001');
		const here = await signIn(user);
		const phone = await signIn(user);
		const laptop = await signIn(user);
		const other = await addUser('254713000002');
		const bystander = await signIn(other);

		expect(
			await changeOwnPassword(
				user,
				here.session.id,
				{ current: OLD, next: NEW },
				{ ip: '10.1.0.1' }
			)
		).toEqual({ ok: true });

		expect((await validateSessionToken(here.token)).user?.id).toBe(user.id);
		expect((await validateSessionToken(phone.token)).user).toBeNull();
		expect((await validateSessionToken(laptop.token)).user).toBeNull();
		expect((await validateSessionToken(bystander.token)).user?.id).toBe(other.id);
		expect(await login('0713000001', OLD, { ip: '10.1.0.2' })).toMatchObject({ ok: false });
		expect(await login('0713000001', NEW, { ip: '10.1.0.2' })).toMatchObject({ ok: true });
		const audit = await withTenant(tenantId, (tx) =>
			tx
				.select()
				.from(auditLog)
				.where(and(eq(auditLog.action, 'staff.password_change'), eq(auditLog.actorUserId, user.id)))
		);
		expect(audit).toHaveLength(1);
		expect(JSON.stringify(audit)).not.toContain(NEW);
	});

	it('refuses a wrong current password, changes nothing and ends no session', async () => {
		const user = await addUser('254713000003');
		const here = await signIn(user);
		const phone = await signIn(user);
		expect(
			await changeOwnPassword(
				user,
				here.session.id,
				{ current: 'not it', next: NEW },
				{ ip: '10.1.1.1' }
			)
		).toEqual({ ok: false, reason: 'wrong_current' });
		expect((await validateSessionToken(phone.token)).user?.id).toBe(user.id);
		expect(await login('0713000003', OLD, { ip: '10.1.1.2' })).toMatchObject({ ok: true });
	});

	it('counts wrong current passwords with failed logins, so the form is no way round the lock', async () => {
		const user = await addUser('254713000004');
		const here = await signIn(user);
		for (let i = 0; i < MAX_FAILURES; i++) {
			expect(
				await changeOwnPassword(
					user,
					here.session.id,
					{ current: `guess ${i}`, next: NEW },
					{ ip: '10.1.2.1' }
				)
			).toMatchObject({ ok: false, reason: 'wrong_current' });
		}
		// Locks are per account and address (a stranger elsewhere cannot lock the owner out): the guessing device is locked out of both.
		expect(
			await changeOwnPassword(
				user,
				here.session.id,
				{ current: OLD, next: NEW },
				{ ip: '10.1.2.1' }
			)
		).toMatchObject({ ok: false, reason: 'locked' });
		expect(await login('0713000004', OLD, { ip: '10.1.2.1' })).toMatchObject({
			ok: false,
			reason: 'locked'
		});
	});
});
