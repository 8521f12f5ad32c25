/**
 * Cash an agent received in the field, queued on the phone like a registration. Credited through
 * the manager's cash path (payments/manage.ts recordCashPayment: the wallet, then the plan when
 * the balance covers it), with a receipt number the agent reads out or writes down for the
 * customer.
 *
 * Whose cash: an agent records cash only for subscribers they registered themselves. Their phone
 * lists only those (GET /agent/data), the M-Pesa prompt follows the same rule
 * (payments/staff-wallet.ts), and a customer of another agent pays by M-Pesa or at the office.
 * Every shilling an agent records is one they answer for at the evening count (cash-report.ts).
 * Managers may record cash for any subscriber of their tenant, as at the counter.
 */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db';
import { agentSyncItems, subscribers, tenants } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import { writeAudit, type AuditActor } from '../audit';
import { recordCashPayment } from '../payments/manage';
import { isManager } from '../payments/staff-wallet';
import { cashItem, fieldErrors } from '$lib/agent/schemas';
import { m } from '$lib/paraglide/messages';
import { refuse, type SyncStaff, type Synced } from './item-refused';
import { newCashReceipt } from './receipts';

export async function agentsTakeCash(tx: Tx, tenantId: string): Promise<boolean> {
	const [row] = await tx
		.select({ allowed: tenants.agentsTakeCash })
		.from(tenants)
		.where(eq(tenants.id, tenantId));
	return row?.allowed ?? false;
}

/** The manager's switch, audited as tenant.agents_cash: whether agents may record cash from now on. */
export async function setAgentsTakeCash(
	tx: Tx,
	tenantId: string,
	allowed: boolean,
	actor: AuditActor
): Promise<void> {
	const [row] = await tx
		.update(tenants)
		.set({ agentsTakeCash: allowed })
		.where(eq(tenants.id, tenantId))
		.returning({ id: tenants.id });
	if (!row) throw new Error('The tenant is not in this scope');
	await writeAudit(tx, {
		tenantId,
		actor,
		action: 'tenant.agents_cash',
		target: tenantId,
		detail: { allowed }
	});
}

export async function applyCash(
	tx: Tx,
	staff: SyncStaff,
	id: string,
	data: unknown
): Promise<Synced> {
	const manager = isManager(staff.role);
	if (!manager && !(await agentsTakeCash(tx, staff.tenantId)))
		refuse(id, m.sync_cash_not_allowed());
	const parsed = cashItem.safeParse(data);
	if (!parsed.success) refuse(id, m.error_check_form(), fieldErrors(parsed.error));
	const input = parsed.data;

	let subscriberId = input.subscriberId;
	if (!subscriberId) {
		subscriberId = await subscriberOfItem(tx, staff, input.subscriberRef!);
		if (!subscriberId)
			refuse(id, m.sync_cash_registration_pending(), {
				subscriberRef: m.sync_cash_registration_pending()
			});
	}
	// The tenant named, not only visible: a reseller's subscribers are not the ISP agent's to credit.
	const [subscriber] = await tx
		.select({
			id: subscribers.id,
			registeredBy: subscribers.registeredBy,
			packageId: subscribers.packageId,
			planPackageId: subscribers.planPackageId
		})
		.from(subscribers)
		.where(and(eq(subscribers.id, subscriberId), eq(subscribers.tenantId, staff.tenantId)));
	if (!subscriber || (!manager && subscriber.registeredBy !== staff.id))
		refuse(id, m.sync_cash_subscriber_unknown(), {
			[input.subscriberId ? 'subscriberId' : 'subscriberRef']: m.sync_cash_subscriber_unknown()
		});

	// As the manager's form with "buy the package" ticked: the plan is bought when the balance
	// covers it, else the cash waits in the wallet. A subscriber's own plan is always for sale to them.
	const buy = (subscriber.planPackageId ?? subscriber.packageId) ? '' : null;
	for (let attempt = 0; ; attempt++) {
		const receipt = newCashReceipt();
		try {
			// A savepoint: a receipt number that is taken already is drawn again.
			const { entryId } = await tx.transaction((inner) =>
				recordCashPayment(
					inner,
					{
						tenantId: staff.tenantId,
						subscriberId: subscriber.id,
						amountKes: input.amountKes,
						note: input.note ?? '',
						buyPackageId: buy,
						receipt
					},
					{ userId: staff.id, name: staff.name, ip: staff.ip }
				)
			);
			return {
				id,
				status: 'synced',
				kind: 'cash',
				paymentId: String(entryId),
				receipt,
				subscriberId: subscriber.id
			};
		} catch (error) {
			if (attempt < 5 && isUniqueViolation(error, 'ledger_entries_tenant_cash_receipt_key'))
				continue;
			throw error;
		}
	}
}

/**
 * The subscriber a registration item of this staff member's made, for a cash item queued right
 * after it on the same phone (`subscriberRef`). Undefined while that registration has not synced.
 */
async function subscriberOfItem(
	tx: Tx,
	staff: SyncStaff,
	ref: string
): Promise<string | undefined> {
	const [row] = await tx
		.select({ result: agentSyncItems.result })
		.from(agentSyncItems)
		.where(
			and(
				eq(agentSyncItems.tenantId, staff.tenantId),
				eq(agentSyncItems.id, ref.toLowerCase()),
				eq(agentSyncItems.userId, staff.id),
				eq(agentSyncItems.kind, 'register')
			)
		);
	const subscriberId = row?.result.subscriberId;
	return typeof subscriberId === 'string' ? subscriberId : undefined;
}
