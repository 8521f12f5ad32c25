import { fail, type Actions } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { NOTIFICATION_KINDS, type NotificationKind } from '$lib/server/db/schema';
import { kindsFor } from '$lib/server/push/endpoint';
import { notificationText } from '$lib/server/push/render';
import {
	listDevices,
	listNotifications,
	markAllRead,
	removeDevice,
	subscribeDevice,
	type Staff
} from '$lib/server/push/subscriptions';
import { vapidKeys } from '$lib/server/push/vapid';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { isUuid } from '$lib/uuid';

/**
 * Push notifications for the staff of an ISP (platform admins have no tenant's payments or routers
 * to hear of, so the page is not theirs). Whose devices and list these are comes from the session.
 */
const TENANT_STAFF = ['tenant_admin', 'agent'] as const;

function staffOf(locals: App.Locals, url: URL): Staff {
	const { user } = requireRole(locals, TENANT_STAFF, url);
	return { id: user.id, tenantId: user.tenantId, role: user.role };
}

const kindsIn = (form: FormData) =>
	form
		.getAll('kinds')
		.filter((k): k is NotificationKind => NOTIFICATION_KINDS.includes(k as NotificationKind));

export const load: PageServerLoad = async ({ locals, url }) => {
	const staff = staffOf(locals, url);
	const [{ publicKey }, { devices, list }] = await Promise.all([
		vapidKeys(),
		withTenant(staff.tenantId, async (tx) => ({
			devices: await listDevices(tx, staff),
			list: await listNotifications(tx, staff)
		}))
	]);
	const locale = getLocale();
	return {
		vapidPublicKey: publicKey,
		kinds: kindsFor(staff.role),
		// With their endpoints (the user's own): the page finds this browser's row by it.
		devices,
		notifications: list.map((n) => ({
			id: n.id,
			kind: n.kind,
			url: n.url,
			createdAt: n.createdAt,
			unread: n.readAt === null,
			...notificationText(n.kind, n.data, locale)
		}))
	};
};

export const actions: Actions = {
	subscribe: async ({ locals, url, request }) => {
		const staff = staffOf(locals, url);
		const form = await request.formData();
		const subscription = form.get('subscription');
		const outcome = await withTenant(staff.tenantId, (tx) =>
			subscribeDevice(tx, staff, {
				subscription: typeof subscription === 'string' ? subscription : '',
				kinds: kindsIn(form),
				userAgent: request.headers.get('user-agent')
			})
		);
		if (!outcome.ok)
			return fail(outcome.problem === 'too-large' ? 413 : 400, {
				message:
					outcome.problem === 'refused'
						? m.notifications_refused()
						: m.notifications_bad_subscription()
			});
		return { subscribed: outcome.id };
	},
	remove: async ({ locals, url, request }) => {
		const staff = staffOf(locals, url);
		const id = String((await request.formData()).get('id') ?? '');
		const removed =
			isUuid(id) && (await withTenant(staff.tenantId, (tx) => removeDevice(tx, staff, id)));
		if (!removed) return fail(404, { message: m.notifications_device_gone() });
		return { removed: id };
	},
	read: async ({ locals, url }) => {
		const staff = staffOf(locals, url);
		await withTenant(staff.tenantId, (tx) => markAllRead(tx, staff));
		return { read: true };
	}
};
