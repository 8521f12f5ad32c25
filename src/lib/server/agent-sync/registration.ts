/**
 * A registration queued on an agent's phone. Checked again here with the schema the phone used,
 * then against what may have changed since it was queued: the package retired, the router
 * retired, the phone registered meanwhile by someone else. The subscriber is registered with the
 * item's id as its clientRef, and the agent as the one who registered it.
 */
import type { Tx } from '../db';
import { writeAudit } from '../audit';
import { getPackage } from '../network/packages';
import { RouterNotOpen } from '../network/routers';
import {
	NotInTenant,
	SubscriberConflict,
	othersWithPhone,
	registerSubscriber
} from '../network/subscribers';
import { listRouterSummaries } from '../network/views';
import { fieldErrors, registrationItem } from '$lib/agent/schemas';
import { m } from '$lib/paraglide/messages';
import { refuse, type SyncStaff, type Synced } from './item-refused';

/** No subscriber has this id: othersWithPhone then names every subscriber with the phone. */
const NO_SUBSCRIBER = '00000000-0000-0000-0000-000000000000';

export async function applyRegistration(
	tx: Tx,
	staff: SyncStaff,
	id: string,
	data: unknown,
	queuedAt: string | null
): Promise<Synced> {
	const parsed = registrationItem.safeParse(data);
	if (!parsed.success) refuse(id, m.error_check_form(), fieldErrors(parsed.error));
	const input = parsed.data;
	const { tenantId } = staff;

	// Row-level security hides other tenants' packages; a sub-tenant's is visible, so the tenant is named.
	const pkg = await getPackage(tx, input.packageId);
	if (!pkg || pkg.tenantId !== tenantId)
		refuse(id, m.sync_package_unknown(), { packageId: m.sync_package_unknown() });
	if (!pkg.active) refuse(id, m.sync_package_retired(), { packageId: m.sync_package_retired() });
	if (pkg.kind !== input.kind)
		refuse(id, m.error_package_kind(), { packageId: m.error_package_kind() });

	let routerId = input.routerId ?? null;
	if (!routerId) {
		// The phone leaves the router out when the tenant had one in service: it still must have one.
		const open = await listRouterSummaries(tx, tenantId, { openOnly: true });
		if (open.length !== 1) refuse(id, m.sync_router_choose(), { routerId: m.sync_router_choose() });
		routerId = open[0]!.id;
	}

	// Locks the phone until the commit, so two agents registering it at once are checked in turn.
	const [holder] = await othersWithPhone(tx, tenantId, input.phone, NO_SUBSCRIBER);
	if (holder) {
		const taken = m.sync_phone_taken({ account: holder.accountNumber });
		refuse(id, taken, { phone: taken });
	}

	let registered;
	try {
		registered = await registerSubscriber(tx, {
			tenantId,
			name: input.name,
			phone: input.phone,
			kind: input.kind,
			routerId,
			packageId: pkg.id,
			registeredBy: staff.id,
			latitude: input.latitude ?? null,
			longitude: input.longitude ?? null,
			idNumber: input.idNumber ?? null,
			notes: input.notes ?? null,
			clientRef: id
		});
	} catch (error) {
		if (error instanceof NotInTenant && error.field === 'routerId')
			refuse(id, m.sync_router_unknown(), { routerId: m.sync_router_unknown() });
		if (error instanceof NotInTenant)
			refuse(id, m.sync_package_unknown(), { packageId: m.sync_package_unknown() });
		if (error instanceof RouterNotOpen)
			refuse(id, m.error_router_retired(), { routerId: m.error_router_retired() });
		if (error instanceof SubscriberConflict) refuse(id, m.sync_item_failed());
		throw error;
	}
	const { subscriber, created } = registered;
	// A subscriber already carries this id (registered from the web form with it): only its own
	// registrar may be told which one.
	if (!created && subscriber.registeredBy !== staff.id)
		refuse(id, m.sync_item_id_taken(), { id: m.sync_item_id_taken() });
	if (created) {
		await writeAudit(tx, {
			tenantId,
			actor: { userId: staff.id, name: staff.name, ip: staff.ip },
			action: 'subscriber.register',
			target: `${subscriber.accountNumber} ${subscriber.name}`,
			detail: {
				subscriberId: subscriber.id,
				packageId: subscriber.packageId,
				routerId: subscriber.routerId,
				offlineItem: id,
				queuedAt
			}
		});
	}
	return {
		id,
		status: 'synced',
		kind: 'register',
		subscriberId: subscriber.id,
		accountNumber: subscriber.accountNumber
	};
}
