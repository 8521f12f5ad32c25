import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { loginThrottle, sessions, users } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { login } from './login';
import { hashPassword } from './password';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	validateSessionToken
} from './session';
import { MAX_FAILURES } from './throttle';

let db: TestDatabase;
let tenantId: string;
const PASSWORD = 'correct horse battery';

async function addUser(phone: string, email?: string) {
	const passwordHash = await hashPassword(PASSWORD);
	const [user] = await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role: 'tenant_admin', name: `User ${phone}`, phone, email, passwordHash })
			.returning()
	);
	return user!;
}

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 'test' };
	tenantId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Auth ISP', slug: 'auth-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
});

afterAll(() => db?.close());

describe('login', () => {
	it('logs in by phone in any Kenyan shape, and by email in any case', async () => {
		await addUser('254712000001', 'mama@example.co.ke');
		for (const shape of ['0712000001', '+254 712 000 001', '254712000001', 'MAMA@example.co.ke']) {
			const result = await login(shape, PASSWORD, { ip: '10.0.0.1' });
			expect(result.ok, shape).toBe(true);
		}
	});

	it('gives a wrong password and an unknown account the same answer', async () => {
		await addUser('254712000002');
		const wrong = await login('0712000002', 'not it', { ip: '10.0.0.2' });
		const unknown = await login('0799999999', 'not it', { ip: '10.0.0.2' });
		expect(wrong).toEqual({ ok: false, reason: 'invalid' });
		expect(unknown).toEqual(wrong);
	});

	it('refuses the sixth attempt from one address inside the window even with the right password', async () => {
		await addUser('254712000003');
		for (let i = 0; i < MAX_FAILURES; i++) {
			expect(await login('0712000003', `guess ${i}`, { ip: '10.0.1.1' })).toMatchObject({
				ok: false,
				reason: 'invalid'
			});
		}
		const sixth = await login('0712000003', PASSWORD, { ip: '10.0.1.1' });
		expect(sixth).toMatchObject({ ok: false, reason: 'locked' });
		expect(
			sixth.ok === false && sixth.reason === 'locked' && sixth.until.getTime() - Date.now()
		).toBeGreaterThan(14 * 60 * 1000);
	});

	it('locks an unknown account just like a known one', async () => {
		for (let i = 0; i < MAX_FAILURES; i++) await login('0798000000', 'x', { ip: '10.0.2.1' });
		expect(await login('0798000000', 'x', { ip: '10.0.2.1' })).toMatchObject({
			ok: false,
			reason: 'locked'
		});
	});

	it('counts failures per IP across accounts', async () => {
		const ip = '10.9.9.9';
		for (let i = 0; i < 30; i++) await login(`07970000${String(i).padStart(2, '0')}`, 'x', { ip });
		await addUser('254712000004');
		expect(await login('0712000004', PASSWORD, { ip })).toMatchObject({
			ok: false,
			reason: 'locked'
		});
		const [row] = await withTenant(tenantId, (tx) =>
			tx
				.select()
				.from(loginThrottle)
				.where(eq(loginThrottle.key, `ip:${ip}`))
		);
		expect(row?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
		expect(await login('0712000004', PASSWORD, { ip: '10.9.9.10' })).toMatchObject({ ok: true });
	});

	it('stores passwords as argon2id hashes only', async () => {
		const user = await addUser('254712000005');
		expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(user.passwordHash).not.toContain(PASSWORD);
	});
});

describe('sessions', () => {
	it('validates a fresh token and stores only a hash of its secret', async () => {
		const user = await addUser('254712000010');
		const token = generateSessionToken();
		const session = await createSession(token, user);
		const result = await validateSessionToken(token);
		expect(result.user?.id).toBe(user.id);
		const [row] = await withTenant(tenantId, (tx) =>
			tx.select().from(sessions).where(eq(sessions.id, session.id))
		);
		expect(row!.secretHash).toMatch(/^[0-9a-f]{64}$/);
		expect(row!.secretHash).not.toContain(token.split('.')[1]!);
	});

	it('refuses a token from a logged-out session', async () => {
		const user = await addUser('254712000011');
		const token = generateSessionToken();
		const session = await createSession(token, user);
		await invalidateSession(session.id);
		expect(await validateSessionToken(token)).toEqual({ session: null, user: null });
	});

	it('cannot turn a stolen token into another user’s session', async () => {
		const alice = await addUser('254712000012');
		const bob = await addUser('254712000013');
		const aliceToken = generateSessionToken();
		const bobToken = generateSessionToken();
		await createSession(aliceToken, alice);
		await createSession(bobToken, bob);
		const [aliceId, aliceSecret] = aliceToken.split('.') as [string, string];
		const [bobId] = bobToken.split('.') as [string, string];
		// Alice's secret with Bob's id, a flipped character, and garbage all fail.
		expect((await validateSessionToken(`${bobId}.${aliceSecret}`)).user).toBeNull();
		const flipped = aliceSecret.slice(0, -1) + (aliceSecret.endsWith('a') ? 'b' : 'a');
		expect((await validateSessionToken(`${aliceId}.${flipped}`)).user).toBeNull();
		expect((await validateSessionToken(`${aliceId}`)).user).toBeNull();
		expect((await validateSessionToken(`'; drop table sessions; --.x`)).user).toBeNull();
		expect((await validateSessionToken(aliceToken)).user?.id).toBe(alice.id);
	});

	it('ends a session after ten idle days and extends an active one', async () => {
		const user = await addUser('254712000014');
		const token = generateSessionToken();
		const session = await createSession(token, user);
		const setLastVerified = (at: Date) =>
			withTenant(tenantId, (tx) =>
				tx.update(sessions).set({ lastVerifiedAt: at }).where(eq(sessions.id, session.id))
			);

		await setLastVerified(new Date(Date.now() - 2 * 60 * 60 * 1000));
		const extended = await validateSessionToken(token);
		expect(extended.session!.lastVerifiedAt.getTime()).toBeGreaterThan(Date.now() - 5_000);

		await setLastVerified(new Date(Date.now() - 11 * 24 * 60 * 60 * 1000));
		expect((await validateSessionToken(token)).user).toBeNull();
	});

	it('refuses the session of a disabled user', async () => {
		const user = await addUser('254712000015');
		const token = generateSessionToken();
		await createSession(token, user);
		await withTenant(tenantId, (tx) =>
			tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id))
		);
		expect((await validateSessionToken(token)).user).toBeNull();
		expect(await login('0712000015', PASSWORD)).toMatchObject({ ok: false, reason: 'invalid' });
	});
});
