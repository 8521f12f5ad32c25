import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { withTenant } from '$lib/server/db';
import { PAYMENT_STATUSES, type PaymentStatus } from '$lib/vocabulary';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import { listSubscribers } from '$lib/server/network/subscribers';
import {
	PaymentActionFailed,
	assignUnmatched,
	listPayments,
	paymentCounts
} from '$lib/server/payments/manage';
import { paymentStatus } from '$lib/server/payments/stk';
import { m } from '$lib/paraglide/messages';
import { paymentView } from '$lib/server/payments/payment-view';
import { readCursor, writeCursor } from '$lib/server/http/page-cursor';
import { assignSchema, findPayerSchema } from './schema';
import { isUuid } from '$lib/uuid';
import { auditActor } from '$lib/server/audit';

const PAGE_SIZE = 25;

const statusOf = (value: string | null): PaymentStatus | null =>
	(PAYMENT_STATUSES as readonly string[]).includes(value ?? '') ? (value as PaymentStatus) : null;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const status = statusOf(url.searchParams.get('status'));
	const before = readCursor(url.searchParams.get('before'));
	const assignedId = url.searchParams.get('assigned') ?? '';
	const { rows, counts, assigned } = await withTenant(tenantId, async (tx) => {
		const assignedPayment = isUuid(assignedId) ? await paymentStatus(tx, assignedId) : undefined;
		return {
			rows: await listPayments(tx, tenantId, { status, before, limit: PAGE_SIZE + 1 }),
			counts: await paymentCounts(tx, tenantId),
			assigned: assignedPayment?.subscriberId
				? {
						amountKes: assignedPayment.amountKes,
						receipt: assignedPayment.receipt,
						subscriberId: assignedPayment.subscriberId
					}
				: null
		};
	});
	const page = rows.slice(0, PAGE_SIZE);
	const last = page[page.length - 1];
	const query = (extra: Record<string, string>) =>
		`?${new URLSearchParams({ ...(status ? { status } : {}), ...extra })}`;
	return {
		payments: page.map(paymentView),
		counts: { pending: counts.pending, unmatched: counts.unmatched, flagged: counts.flagged },
		filter: status ?? '',
		nextHref:
			rows.length > PAGE_SIZE && last
				? query({ before: writeCursor({ at: last.cursorAt, id: last.id }) })
				: null,
		firstHref: before ? query({}) : null,
		assigned
	};
};

export const actions: Actions = {
	/** Step one: the subscribers an account number or phone could mean; the manager picks one. */
	find: async ({ request, locals, url }) => {
		const { tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(findPayerSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const { paymentId, q } = parsed.data;
		const found = await withTenant(tenantId, async (tx) => {
			const payment = await paymentStatus(tx, paymentId);
			if (!payment || payment.status !== 'unmatched') return null;
			return (await listSubscribers(tx, { q, limit: 6 })).rows;
		});
		if (!found)
			return formFailure(400, form, m.payments_error_not_unmatched(), {
				paymentId: m.payments_error_not_unmatched()
			});
		if (found.length === 0)
			return formFailure(400, form, m.payments_error_no_match(), {
				q: m.payments_error_no_match()
			});
		return {
			find: {
				paymentId,
				q,
				matches: found.map((s) => ({
					id: s.id,
					name: s.name,
					accountNumber: s.accountNumber,
					phone: s.phone,
					packageName: s.packageName
				}))
			}
		};
	},

	/** Step two: credits the payment to the chosen subscriber (audited by the service). */
	assign: async ({ request, locals, url, getClientAddress }) => {
		const { user, tenantId } = requireRole(locals, MANAGERS, url);
		const form = await request.formData();
		const parsed = parseForm(assignSchema, form, m.error_check_form());
		if (!parsed.ok) return parsed.failure;
		const { paymentId, subscriberId } = parsed.data;
		try {
			await withTenant(tenantId, (tx) =>
				assignUnmatched(tx, paymentId, subscriberId, auditActor(user, getClientAddress()))
			);
		} catch (error) {
			if (!(error instanceof PaymentActionFailed)) throw error;
			const message =
				error.field === 'subscriberId'
					? m.payments_error_no_subscriber()
					: m.payments_error_not_unmatched();
			return formFailure(400, form, message, { [error.field]: message });
		}
		const status = statusOf(String(form.get('filter') ?? ''));
		redirect(
			303,
			`/manage/payments?${new URLSearchParams({ ...(status ? { status } : {}), assigned: paymentId })}`
		);
	}
};
