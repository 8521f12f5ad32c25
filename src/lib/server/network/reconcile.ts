/**
 * Reconcile: compare what a router has with what the database says it should have, repair the
 * drift and report each change. Only entries tagged for this tenant and this router (comment
 * "mtandao:<id> t=<tenant> r=<router>", see entry-tags.ts) are ever removed, and entries with the
 * older tag "mtandao:<id>" only when that subscriber is this tenant's. An ISP's own accounts are
 * listed as unmanaged and left alone; another tenant's entries on the same MikroTik are skipped.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, withTenant } from '../db';
import { packages, routers, subscribers, type ServiceKind } from '../db/schema';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { decryptSecret } from '../security/secrets';
import { getRouter, recordRouterError, recordRouterSeen, routerTarget } from './routers';
import { withRouter } from './routeros/client';
import { ensureProfile, ensureUser, listProfiles, listUsers, removeUser } from './routeros/operations';
import { profileFor } from './packages';
import { describeRouterError } from './router-errors';
import { entryTag, readEntryTag, taggedForAnotherTenant } from './routeros/entry-tags';
import { scrubLogText } from '../logging/safe-error';

export interface ReconcileChange {
	kind: ServiceKind;
	name: string;
	change: 'added' | 'removed' | 'profile' | 'enabled' | 'disabled' | 'password' | 'profile-created' | 'profile-updated';
	detail?: string;
}

export interface ReconcileReport {
	routerId: string;
	changes: ReconcileChange[];
	unmanaged: { kind: ServiceKind; name: string }[];
	checkedUsers: number;
}

const KINDS: ServiceKind[] = ['hotspot', 'pppoe'];

export async function reconcileRouter(tenantId: string, routerId: string, options: { dryRun?: boolean } = {}): Promise<ReconcileReport | null> {
	const desired = await withTenant(tenantId, async (tx) => {
		const router = await getRouter(tx, routerId);
		if (!router) return null;
		const users = await tx
			.select({ subscriber: subscribers, pkg: packages })
			.from(subscribers)
			.leftJoin(packages, eq(packages.id, subscribers.packageId))
			.where(eq(subscribers.routerId, routerId));
		const tenantPackages = await tx.select().from(packages).where(eq(packages.tenantId, router.tenantId));
		return { router, users, tenantPackages };
	});
	if (!desired) return null;
	const { router } = desired;
	const owner = { tenantId: router.tenantId, routerId };
	const now = new Date();
	const report: ReconcileReport = { routerId, changes: [], unmanaged: [], checkedUsers: 0 };
	try {
		await withRouter(routerTarget(router), async (api) => {
			for (const kind of KINDS) {
				const profiles = new Map((await listProfiles(api, kind)).map((p) => [p.name, p]));
				for (const pkg of desired.tenantPackages.filter((p) => p.kind === kind)) {
					const actual = profiles.get(pkg.profileName);
					const wanted = profileFor(pkg);
					if (!actual || actual.rateLimit !== wanted.rateLimit || Number(actual.sharedUsers) !== wanted.sharedUsers) {
						report.changes.push({ kind, name: pkg.profileName, change: actual ? 'profile-updated' : 'profile-created', detail: wanted.rateLimit });
						if (!options.dryRun) await ensureProfile(api, kind, wanted);
					}
				}

				const onRouter = new Map((await listUsers(api, kind)).map((u) => [u.name, u]));
				const wantedUsers = desired.users.filter((u) => u.subscriber.kind === kind);
				const wantedNames = new Set(wantedUsers.map((u) => u.subscriber.routerUsername));
				for (const { subscriber, pkg } of wantedUsers) {
					report.checkedUsers++;
					const actual = onRouter.get(subscriber.routerUsername);
					if (actual && taggedForAnotherTenant(actual.comment, owner.tenantId)) {
						// The same name, made by another tenant on this MikroTik: theirs, not ours to repair.
						report.unmanaged.push({ kind, name: actual.name });
						continue;
					}
					const enabled = subscriber.status === 'active' && subscriber.expiresAt !== null && subscriber.expiresAt > now;
					const profile = pkg?.profileName ?? 'default';
					const drift: ReconcileChange['change'][] = [];
					if (!actual) drift.push('added');
					else {
						if (actual.profile !== profile) drift.push('profile');
						if (actual.disabled === enabled) drift.push(enabled ? 'enabled' : 'disabled');
					}
					// Entries tagged before tenants and routers were written get the full tag, unreported.
					const retag = actual !== undefined && readEntryTag(actual.comment)?.owner === undefined;
					if (drift.length === 0 && !(retag && !options.dryRun)) continue;
					for (const change of drift) report.changes.push({ kind, name: subscriber.routerUsername, change, detail: change === 'profile' ? profile : undefined });
					if (!options.dryRun) {
						await ensureUser(api, kind, {
							name: subscriber.routerUsername,
							password: decryptSecret(subscriber.routerPasswordEnc),
							profile,
							disabled: !enabled,
							comment: entryTag(subscriber.id, owner),
							server: kind === 'hotspot' ? router.hotspotServer : undefined,
							// RouterOS has no byte cap on a PPP secret (PPPoE quotas are not built yet): hotspot only.
							limitBytesTotal: kind === 'hotspot' && pkg?.dataCapMb ? pkg.dataCapMb * 1024 * 1024 : undefined
						});
					}
				}
				const extra = [...onRouter.values()].filter((user) => !wantedNames.has(user.name));
				const legacyOurs = await legacyEntriesOfTenant(tenantId, router.tenantId, extra);
				for (const user of extra) {
					const tag = readEntryTag(user.comment);
					if (!tag) {
						report.unmanaged.push({ kind, name: user.name });
						continue;
					}
					const ours = tag.owner
						? tag.owner.tenantId === owner.tenantId && tag.owner.routerId === owner.routerId
						: legacyOurs.has(tag.subscriberId);
					// Another tenant's (or another router record's) entry: none of our business.
					if (!ours) continue;
					report.changes.push({ kind, name: user.name, change: 'removed' });
					if (!options.dryRun) await removeUser(api, kind, user.name, { tenantId: owner.tenantId });
				}
			}
		});
		await withTenant(tenantId, async (tx) => {
			await recordRouterSeen(tx, routerId);
			if (!options.dryRun) {
				await tx.update(routers).set({ lastReconciledAt: new Date(), lastReconcileSummary: summaryRecord(report) }).where(eq(routers.id, routerId));
			}
		});
	} catch (error) {
		await withTenant(tenantId, (tx) => recordRouterError(tx, routerId, describeRouterError(error)));
		throw error;
	}
	return report;
}

/**
 * Subscriber ids in old-style tags ("mtandao:<id>", no tenant) that are this tenant's: only those
 * may be removed. Row-level security hides every other tenant's subscribers from the query.
 */
async function legacyEntriesOfTenant(scope: string, tenantId: string, entries: readonly { comment: string }[]): Promise<Set<string>> {
	const ids = entries
		.map((entry) => readEntryTag(entry.comment))
		.filter((tag) => tag !== undefined && tag.owner === undefined)
		.map((tag) => tag!.subscriberId)
		.filter((id) => UUID.test(id));
	if (ids.length === 0) return new Set();
	const rows = await withTenant(scope, (tx) =>
		tx.select({ id: subscribers.id }).from(subscribers).where(and(eq(subscribers.tenantId, tenantId), inArray(subscribers.id, ids)))
	);
	return new Set(rows.map((row) => row.id));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the router page shows after the last reconcile, kept as counts (JSON) so the page can say it
 * in the reader's language: `{"checked":120,"changes":{"removed":1,"disabled":2}}`.
 */
export function summaryRecord(report: ReconcileReport): string {
	const changes: Partial<Record<ReconcileChange['change'], number>> = {};
	for (const c of report.changes) changes[c.change] = (changes[c.change] ?? 0) + 1;
	return JSON.stringify({ checked: report.checkedUsers, changes });
}

/** "3 repaired: 1 added, 2 disabled", for the server log. */
export function summarize(report: ReconcileReport): string {
	if (report.changes.length === 0) return `in step (${report.checkedUsers} users checked)`;
	const counts = new Map<string, number>();
	for (const c of report.changes) counts.set(c.change, (counts.get(c.change) ?? 0) + 1);
	return `${report.changes.length} repaired: ${[...counts].map(([change, n]) => `${n} ${change}`).join(', ')}`;
}

/**
 * The periodic pass: takes the routers not reconciled for `everyMs` (one claim per router, so
 * several processes share the round instead of repeating it) and reconciles each.
 */
export async function reconcileDueRouters(everyMs: number, log: (line: string) => void): Promise<number> {
	const due = await withTenant(PLATFORM_TENANT_ID, async (tx) =>
		rowsOf<{ tenant_id: string; id: string }>(
			await tx.execute(sql`
				update ${routers} set last_reconciled_at = now()
				where id in (
					select id from ${routers}
					where last_reconciled_at is null or last_reconciled_at < now() - make_interval(secs => ${everyMs / 1000})
					order by last_reconciled_at nulls first
					limit 20
					for update skip locked
				)
				returning tenant_id, id`)
		)
	);
	for (const router of due) {
		try {
			const report = await reconcileRouter(router.tenant_id, router.id);
			if (report?.changes.length) log(`reconciled router ${router.id}: ${summarize(report)}`);
		} catch (error) {
			log(`reconcile of router ${router.id} failed: ${scrubLogText(describeRouterError(error))}`);
		}
	}
	return due.length;
}
