/**
 * A staff member's devices that take push notifications, and their in-app list. Every query names
 * the user as well as running in the tenant's scope: row-level security keeps tenants apart, the
 * user id keeps one staff member from seeing or removing another's devices.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db';
import { notifications, pushSubscriptions, type Role } from '../db/schema';
import {
	EndpointRefused,
	MAX_SUBSCRIPTION_BYTES,
	checkEndpoint,
	deviceLabel,
	kindsFor,
	subscriptionInput,
	type EndpointCheck,
	type SubscriptionInput
} from './endpoint';

export interface Staff {
	id: string;
	tenantId: string;
	role: Role;
}

/**
 * Keeps this browser's subscription for the user (checks the endpoint first: EndpointRefused). The
 * same browser subscribing again, or under another staff member of the tenant (a shared phone),
 * replaces the earlier row: a device notifies the one who subscribed it last.
 */
export async function saveSubscription(
	tx: Tx,
	staff: Staff,
	input: SubscriptionInput,
	label: string,
	check: EndpointCheck = {}
): Promise<{ id: string }> {
	await checkEndpoint(input.endpoint, check);
	const allowed = kindsFor(staff.role);
	const chosen = input.kinds.length > 0 ? input.kinds : allowed;
	const kinds = [...new Set(chosen.filter((k) => allowed.includes(k)))];
	const [row] = await tx
		.insert(pushSubscriptions)
		.values({
			tenantId: staff.tenantId,
			userId: staff.id,
			endpoint: input.endpoint,
			p256dh: input.keys.p256dh,
			auth: input.keys.auth,
			label: label.slice(0, 60),
			kinds
		})
		.onConflictDoUpdate({
			target: [pushSubscriptions.tenantId, pushSubscriptions.endpoint],
			set: {
				userId: staff.id,
				p256dh: input.keys.p256dh,
				auth: input.keys.auth,
				label: label.slice(0, 60),
				kinds,
				createdAt: new Date(),
				lastSuccessAt: null
			}
		})
		.returning({ id: pushSubscriptions.id });
	return row!;
}

export function listDevices(tx: Tx, staff: Staff) {
	return tx
		.select({
			id: pushSubscriptions.id,
			label: pushSubscriptions.label,
			kinds: pushSubscriptions.kinds,
			endpoint: pushSubscriptions.endpoint,
			createdAt: pushSubscriptions.createdAt,
			lastSuccessAt: pushSubscriptions.lastSuccessAt
		})
		.from(pushSubscriptions)
		.where(ownDevice(staff))
		.orderBy(desc(pushSubscriptions.createdAt));
}

const ownDevice = (staff: Staff, id?: string) =>
	and(
		eq(pushSubscriptions.tenantId, staff.tenantId),
		eq(pushSubscriptions.userId, staff.id),
		id ? eq(pushSubscriptions.id, id) : undefined
	);

/** False when it is not one of this user's devices (another's id, or gone already). */
export async function removeDevice(tx: Tx, staff: Staff, id: string): Promise<boolean> {
	const rows = await tx
		.delete(pushSubscriptions)
		.where(ownDevice(staff, id))
		.returning({ id: pushSubscriptions.id });
	return rows.length > 0;
}

/** The in-app list kept for each user. */
export const KEPT_PER_USER = 100;

export function listNotifications(tx: Tx, staff: Staff) {
	return tx
		.select({
			id: notifications.id,
			kind: notifications.kind,
			data: notifications.data,
			url: notifications.url,
			createdAt: notifications.createdAt,
			readAt: notifications.readAt
		})
		.from(notifications)
		.where(and(eq(notifications.tenantId, staff.tenantId), eq(notifications.userId, staff.id)))
		.orderBy(desc(notifications.id))
		.limit(KEPT_PER_USER);
}

export async function markAllRead(tx: Tx, staff: Staff): Promise<number> {
	const rows = await tx
		.update(notifications)
		.set({ readAt: sql`now()` })
		.where(
			and(
				eq(notifications.tenantId, staff.tenantId),
				eq(notifications.userId, staff.id),
				isNull(notifications.readAt)
			)
		)
		.returning({ id: notifications.id });
	return rows.length;
}

export type SubscribeOutcome =
	{ ok: true; id: string } | { ok: false; problem: 'too-large' | 'malformed' | 'refused' };

/**
 * "Notify me" from the settings page: the browser's PushSubscription as JSON (at most 4 KB), the
 * kinds ticked and the user agent (for the device's label). Nothing is kept unless all of it holds.
 */
export async function subscribeDevice(
	tx: Tx,
	staff: Staff,
	posted: { subscription: string; kinds: string[]; userAgent: string | null },
	check: EndpointCheck = {}
): Promise<SubscribeOutcome> {
	if (posted.subscription.length > MAX_SUBSCRIPTION_BYTES || posted.kinds.length > 10)
		return { ok: false, problem: 'too-large' };
	let json: unknown;
	try {
		json = JSON.parse(posted.subscription);
	} catch {
		return { ok: false, problem: 'malformed' };
	}
	const parsed = subscriptionInput.safeParse({
		...(typeof json === 'object' && json ? json : {}),
		kinds: posted.kinds
	});
	if (!parsed.success) return { ok: false, problem: 'malformed' };
	try {
		return {
			ok: true,
			...(await saveSubscription(
				tx,
				staff,
				parsed.data,
				deviceLabel(posted.userAgent?.slice(0, 500) ?? null),
				check
			))
		};
	} catch (error) {
		if (error instanceof EndpointRefused) return { ok: false, problem: 'refused' };
		throw error;
	}
}
