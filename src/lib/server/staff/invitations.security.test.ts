import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withTenant } from '../db';
import { invitations, users } from '../db/schema';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { openTestDatabase, type TestDatabase } from '../testing/database';
import { hashPassword } from '../auth/password';
import {
	INVITATION_TTL_MS,
	InvitationClosed,
	InvitationNotFound,
	acceptInvitation,
	createInvitation,
	findInvitation,
	listOpenInvitations,
	renewInvitation,
	revokeInvitation
} from './invitations';

let db: TestDatabase;
let ispId: string;
let otherIspId: string;
let manager: { userId: string; name: string };
let otherManager: { userId: string; name: string };
const PASSWORD = 'joining password';

async function addManager(tenantId: string, phone: string) {
	const passwordHash = await hashPassword(PASSWORD);
	const [user] = await withTenant(tenantId, (tx) =>
		tx
			.insert(users)
			.values({ tenantId, role: 'tenant_admin', name: `Manager ${phone}`, phone, passwordHash })
			.returning()
	);
	return { userId: user!.id, name: user!.name };
}

const invite = (phone: string, now?: Date) =>
	createInvitation(
		ispId,
		{ tenantId: ispId, role: 'agent', name: `Agent ${phone}`, phone },
		manager,
		now
	);
const idOf = (token: string) => token.split('.')[0]!;

beforeAll(async () => {
	db = await openTestDatabase();
	const actor = { userId: undefined as unknown as string, name: 'test' };
	ispId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Invite ISP', slug: 'invite-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	otherIspId = (
		await createTenant(
			PLATFORM_TENANT_ID,
			{ name: 'Rival ISP', slug: 'rival-isp', parentId: PLATFORM_TENANT_ID, kind: 'isp' },
			actor
		)
	).id;
	manager = await addManager(ispId, '254715000001');
	otherManager = await addManager(otherIspId, '254715000002');
});
afterAll(() => db?.close());

describe('invitations', () => {
	it('last 7 days and are then refused as expired', async () => {
		const fresh = await invite('254715000010');
		const [row] = await withTenant(ispId, (tx) =>
			tx
				.select()
				.from(invitations)
				.where(eq(invitations.id, idOf(fresh)))
		);
		expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeGreaterThan(
			INVITATION_TTL_MS - 60_000
		);
		expect(INVITATION_TTL_MS).toBe(7 * 24 * 60 * 60 * 1000);

		const old = await invite('254715000011', new Date(Date.now() - INVITATION_TTL_MS - 1000));
		expect(await findInvitation(old)).toEqual({ state: 'expired' });
		expect((await findInvitation(fresh)).state).toBe('open');
	});

	it('cannot be accepted once expired, even from a page opened before', async () => {
		const token = await invite('254715000012');
		const found = await findInvitation(token);
		if (found.state !== 'open') throw new Error('should be open');
		await withTenant(ispId, (tx) =>
			tx
				.update(invitations)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(eq(invitations.id, idOf(token)))
		);
		await expect(acceptInvitation(found.invitation, PASSWORD)).rejects.toBeInstanceOf(
			InvitationClosed
		);
		const joined = await withTenant(ispId, (tx) =>
			tx.select().from(users).where(eq(users.phone, '254715000012'))
		);
		expect(joined).toHaveLength(0);
	});

	it('can be revoked by a manager; a revoked one cannot be accepted, even from a page opened before', async () => {
		const token = await invite('254715000013');
		const found = await findInvitation(token);
		if (found.state !== 'open') throw new Error('should be open');
		expect((await withTenant(ispId, (tx) => listOpenInvitations(tx))).map((i) => i.id)).toContain(
			idOf(token)
		);

		expect(await revokeInvitation(ispId, idOf(token), manager)).toEqual({
			name: 'Agent 254715000013'
		});
		expect(await findInvitation(token)).toEqual({ state: 'revoked' });
		await expect(acceptInvitation(found.invitation, PASSWORD)).rejects.toBeInstanceOf(
			InvitationClosed
		);
		expect(
			(await withTenant(ispId, (tx) => listOpenInvitations(tx))).map((i) => i.id)
		).not.toContain(idOf(token));
		const joined = await withTenant(ispId, (tx) =>
			tx.select().from(users).where(eq(users.phone, '254715000013'))
		);
		expect(joined).toHaveLength(0);
		await expect(revokeInvitation(ispId, idOf(token), manager)).rejects.toBeInstanceOf(
			InvitationNotFound
		);
	});

	it('cannot be revoked by a manager of another tenant, nor once accepted', async () => {
		const token = await invite('254715000014');
		await expect(revokeInvitation(otherIspId, idOf(token), otherManager)).rejects.toBeInstanceOf(
			InvitationNotFound
		);
		const found = await findInvitation(token);
		if (found.state !== 'open') throw new Error('should be open');
		await acceptInvitation(found.invitation, PASSWORD);
		expect(await findInvitation(token)).toEqual({ state: 'accepted' });
		await expect(revokeInvitation(ispId, idOf(token), manager)).rejects.toBeInstanceOf(
			InvitationNotFound
		);
	});

	it('say nothing about a link whose secret does not match', async () => {
		const token = await invite('254715000015');
		await revokeInvitation(ispId, idOf(token), manager);
		const [id, secret] = token.split('.') as [string, string];
		const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
		expect(await findInvitation(forged)).toEqual({ state: 'invalid' });
	});

	it('keep their link for the team page, encrypted, until used or revoked', async () => {
		const token = await invite('254715000016');
		const [row] = await withTenant(ispId, (tx) =>
			tx
				.select()
				.from(invitations)
				.where(eq(invitations.id, idOf(token)))
		);
		expect(row!.tokenSealed).toBeTruthy();
		expect(row!.tokenSealed).not.toContain(token.split('.')[1]!);
		const listed = async () =>
			(await withTenant(ispId, (tx) => listOpenInvitations(tx))).find((i) => i.id === idOf(token));
		expect((await listed())?.token).toBe(token);

		const found = await findInvitation(token);
		if (found.state !== 'open') throw new Error('should be open');
		await acceptInvitation(found.invitation, PASSWORD);
		expect(await listed()).toBeUndefined();
		const [used] = await withTenant(ispId, (tx) =>
			tx
				.select()
				.from(invitations)
				.where(eq(invitations.id, idOf(token)))
		);
		expect(used!.tokenSealed).toBeNull();

		const revoked = await invite('254715000017');
		await revokeInvitation(ispId, idOf(revoked), manager);
		const [gone] = await withTenant(ispId, (tx) =>
			tx
				.select()
				.from(invitations)
				.where(eq(invitations.id, idOf(revoked)))
		);
		expect(gone!.tokenSealed).toBeNull();
	});

	it('show no link once expired; a new link replaces the old one, which stops working', async () => {
		const old = await invite('254715000018', new Date(Date.now() - INVITATION_TTL_MS - 1000));
		const listed = await withTenant(ispId, (tx) => listOpenInvitations(tx));
		expect(listed.find((i) => i.id === idOf(old))).toMatchObject({ expired: true, token: null });

		await expect(renewInvitation(otherIspId, idOf(old), otherManager)).rejects.toBeInstanceOf(
			InvitationNotFound
		);
		const renewed = await renewInvitation(ispId, idOf(old), manager);
		expect(renewed.name).toBe('Agent 254715000018');
		expect(await findInvitation(old)).toEqual({ state: 'revoked' });
		const found = await findInvitation(renewed.token);
		if (found.state !== 'open') throw new Error('should be open');
		expect(found.invitation).toMatchObject({
			name: 'Agent 254715000018',
			phone: '254715000018',
			role: 'agent',
			tenantId: ispId
		});
		const now = await withTenant(ispId, (tx) => listOpenInvitations(tx));
		expect(now.filter((i) => i.phone === '254715000018').map((i) => i.token)).toEqual([
			renewed.token
		]);
		await expect(renewInvitation(ispId, idOf(old), manager)).rejects.toBeInstanceOf(
			InvitationNotFound
		);
	});
});
