/**
 * GET /agent/data: what an agent's phone keeps for working offline (contract: issue 14). The
 * packages and routers a registration may name, the agent's own subscribers (a manager's: the
 * tenant's) newest first, and today's figures. Bounded: at most MAX_SUBSCRIBERS subscribers, read
 * down the (tenant_id, created_at, id) index, in one short transaction.
 */
import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { withTenant } from '../db';
import { ledgerEntries, packages, payments, subscribers, tenants } from '../db/schema';
import { listPackages } from '../network/packages';
import { listRouterSummaries } from '../network/views';
import { isManager } from '../payments/staff-wallet';
import { validityLabel } from '$lib/components/network/labels';
import type { SyncStaff } from './item-refused';
import { nairobiDate, nairobiDayBounds } from './nairobi-day';

export const MAX_SUBSCRIBERS = 1000;

export async function offlineData(staff: SyncStaff, now = new Date()) {
	const manager = isManager(staff.role);
	const { tenantId } = staff;
	const today = nairobiDayBounds(nairobiDate(now))!;
	return withTenant(
		tenantId,
		async (tx) => {
			const [tenant] = await tx
				.select({ name: tenants.name, agentsTakeCash: tenants.agentsTakeCash })
				.from(tenants)
				.where(eq(tenants.id, tenantId));
			const forSale = await listPackages(tx, { activeOnly: true, tenantId });
			const open = await listRouterSummaries(tx, tenantId, { openOnly: true });
			const mine = manager ? undefined : eq(subscribers.registeredBy, staff.id);
			const list = await tx
				.select({
					id: subscribers.id,
					accountNumber: subscribers.accountNumber,
					name: subscribers.name,
					phone: subscribers.phone,
					kind: subscribers.kind,
					status: subscribers.status,
					packageName: packages.name,
					expiresAt: subscribers.expiresAt
				})
				.from(subscribers)
				.leftJoin(packages, eq(packages.id, subscribers.packageId))
				.where(and(eq(subscribers.tenantId, tenantId), mine))
				.orderBy(desc(subscribers.createdAt), desc(subscribers.id))
				.limit(MAX_SUBSCRIBERS);
			const [registrations] = await tx
				.select({ n: count() })
				.from(subscribers)
				.where(
					and(
						eq(subscribers.tenantId, tenantId),
						eq(subscribers.registeredBy, staff.id),
						gte(subscribers.createdAt, today.start),
						lt(subscribers.createdAt, today.end)
					)
				);
			// M-Pesa money that came in today from this agent's subscribers (a manager's: the tenant's).
			const [paid] = await tx
				.select({ n: count() })
				.from(payments)
				.where(
					and(
						eq(payments.tenantId, tenantId),
						eq(payments.status, 'succeeded'),
						gte(payments.createdAt, today.start),
						lt(payments.createdAt, today.end),
						manager
							? undefined
							: sql`${payments.subscriberId} in (select s.id from ${subscribers} s where s.tenant_id = ${tenantId} and s.registered_by = ${staff.id})`
					)
				);
			const [cash] = await tx
				.select({ kes: sql<number>`coalesce(sum(${ledgerEntries.amountKes}), 0)::int` })
				.from(ledgerEntries)
				.where(
					and(
						eq(ledgerEntries.tenantId, tenantId),
						eq(ledgerEntries.kind, 'cash'),
						eq(ledgerEntries.recordedBy, staff.id),
						gte(ledgerEntries.createdAt, today.start),
						lt(ledgerEntries.createdAt, today.end)
					)
				);
			return {
				user: { id: staff.id, name: staff.name, role: staff.role },
				tenant: { name: tenant?.name ?? '', agentsTakeCash: tenant?.agentsTakeCash ?? false },
				packages: forSale.map((p) => ({
					id: p.id,
					name: p.name,
					kind: p.kind,
					priceKes: p.priceKes,
					validityUnit: p.validityUnit,
					validityCount: p.validityCount,
					validity: validityLabel(p.validityUnit, p.validityCount)
				})),
				routers: open.map((r) => ({ id: r.id, name: r.name })),
				subscribers: list.map((s) => ({ ...s, expiresAt: s.expiresAt?.toISOString() ?? null })),
				today: {
					date: nairobiDate(now),
					registrations: registrations?.n ?? 0,
					payments: paid?.n ?? 0,
					cashKes: cash?.kes ?? 0
				},
				syncedAt: now.toISOString()
			};
		},
		{ readOnly: true }
	);
}

export type OfflineData = Awaited<ReturnType<typeof offlineData>>;
