/**
 * Reconcile: compare what a router has with what the database says it should have, repair the
 * drift and report each change. Only entries tagged for this tenant and this router (comment
 * "mtandao:<id> t=<tenant> r=<router>", see entry-tags.ts) are ever removed, and entries with the
 * older tag "mtandao:<id>" only when that subscriber is this tenant's. An ISP's own accounts are
 * listed as unmanaged and left alone; another tenant's entries on the same MikroTik are skipped.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, withTenant, type Tx } from '../db';
import { enqueueJobs, type NewJob } from './jobs';
import { packages, routers, subscribers, type ServiceKind } from '../db/schema';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { decryptSecret } from '../security/secrets';
import { getRouter, recordRouterError, recordRouterSeen, routerTarget } from './routers';
import { isRouterFailure, withRouter } from './routeros/client';
import {
	ensureProfile,
	ensureUser,
	listProfiles,
	listUsers,
	removeUser
} from './routeros/operations';
import { routerComment } from './routeros/menus';
import { profileFor } from './packages';
import { describeRouterError } from './router-errors';
import {
	readEntryTag,
	subscriberEntryComment,
	taggedForAnotherTenant
} from './routeros/entry-tags';
import { scrubLogText } from '../logging/safe-error';
import { writeAudit, type AuditActor } from '../audit';

export interface ReconcileChange {
	kind: ServiceKind;
	name: string;
	change:
		| 'added'
		| 'removed'
		| 'profile'
		| 'enabled'
		| 'disabled'
		| 'password'
		| 'profile-created'
		| 'profile-updated';
	detail?: string;
}

export interface ReconcileReport {
	routerId: string;
	changes: ReconcileChange[];
	unmanaged: { kind: ServiceKind; name: string }[];
	checkedUsers: number;
}

const KINDS: ServiceKind[] = ['hotspot', 'pppoe'];

/** A retired router is left as it is: reconcile it again after putting it back in service. */
export class RouterRetired extends Error {
	override readonly name = 'RouterRetired';
	constructor() {
		super('The router is retired');
	}
}

/**
 * "Reconcile now" from the router's page: repairs drift and audits it as router.reconcile, whether
 * it worked or the router failed (reconcileRouter has recorded the router's error then). Undefined
 * when the router is not this scope's; anything but a router failure is a bug and is thrown.
 */
export async function reconcileAndAudit(
	scopeTenantId: string,
	router: { id: string; tenantId: string; name: string },
	actor: AuditActor
): Promise<{ ok: true; report: ReconcileReport } | { ok: false; failure: unknown } | undefined> {
	let report: ReconcileReport | null;
	try {
		report = await reconcileRouter(scopeTenantId, router.id, { dryRun: false });
	} catch (failure) {
		if (!isRouterFailure(failure)) throw failure;
		await withTenant(scopeTenantId, (tx) =>
			writeAudit(tx, {
				tenantId: router.tenantId,
				actor,
				action: 'router.reconcile',
				target: router.name,
				detail: { ok: false, error: describeRouterError(failure) }
			})
		);
		return { ok: false, failure };
	}
	if (!report) return undefined;
	const done = report;
	await withTenant(scopeTenantId, (tx) =>
		writeAudit(tx, {
			tenantId: router.tenantId,
			actor,
			action: 'router.reconcile',
			target: router.name,
			detail: {
				ok: true,
				checkedUsers: done.checkedUsers,
				changes: done.changes.slice(0, 50),
				unmanaged: done.unmanaged.length
			}
		})
	);
	return { ok: true, report: done };
}

export async function reconcileRouter(
	tenantId: string,
	routerId: string,
	options: { dryRun?: boolean } = {}
): Promise<ReconcileReport | null> {
	const desired = await withTenant(tenantId, async (tx) => {
		const router = await getRouter(tx, routerId);
		if (!router) return null;
		if (router.retiredAt) throw new RouterRetired();
		const users = await tx
			.select({ subscriber: subscribers, pkg: packages })
			.from(subscribers)
			.leftJoin(packages, eq(packages.id, subscribers.packageId))
			.where(eq(subscribers.routerId, routerId));
		const tenantPackages = await tx
			.select()
			.from(packages)
			.where(eq(packages.tenantId, router.tenantId));
		return { router, users, tenantPackages };
	});
	if (!desired) return null;
	const { router } = desired;
	const owner = { tenantId: router.tenantId, routerId };
	const now = new Date();
	const report: ReconcileReport = { routerId, changes: [], unmanaged: [], checkedUsers: 0 };
	const touched: TouchedEntry[] = [];
	try {
		await withRouter(routerTarget(router), async (api) => {
			for (const kind of KINDS) {
				const profiles = new Map((await listProfiles(api, kind)).map((p) => [p.name, p]));
				for (const pkg of desired.tenantPackages.filter((p) => p.kind === kind)) {
					const actual = profiles.get(pkg.profileName);
					const wanted = profileFor(pkg);
					if (
						!actual ||
						actual.rateLimit !== wanted.rateLimit ||
						Number(actual.sharedUsers) !== wanted.sharedUsers
					) {
						report.changes.push({
							kind,
							name: pkg.profileName,
							change: actual ? 'profile-updated' : 'profile-created',
							detail: wanted.rateLimit
						});
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
					const enabled =
						subscriber.status === 'active' &&
						subscriber.expiresAt !== null &&
						subscriber.expiresAt > now;
					const profile = pkg?.profileName ?? 'default';
					const drift: ReconcileChange['change'][] = [];
					if (!actual) drift.push('added');
					else {
						if (actual.profile !== profile) drift.push('profile');
						if (actual.disabled === enabled) drift.push(enabled ? 'enabled' : 'disabled');
					}
					// An entry whose comment is behind (tagged before tenants and routers were written, or a
					// name or phone corrected while a sync was parked) is rewritten, unreported.
					const retag =
						actual !== undefined &&
						actual.comment !== routerComment(subscriberEntryComment(subscriber, owner));
					if (drift.length === 0 && !(retag && !options.dryRun)) continue;
					for (const change of drift)
						report.changes.push({
							kind,
							name: subscriber.routerUsername,
							change,
							detail: change === 'profile' ? profile : undefined
						});
					if (!options.dryRun && !actual)
						touched.push({
							subscriberId: subscriber.id,
							kind,
							name: subscriber.routerUsername,
							change: 'added'
						});
					if (!options.dryRun) {
						await ensureUser(api, kind, {
							name: subscriber.routerUsername,
							password: decryptSecret(subscriber.routerPasswordEnc),
							profile,
							disabled: !enabled,
							comment: subscriberEntryComment(subscriber, owner),
							server: kind === 'hotspot' ? router.hotspotServer : undefined,
							// RouterOS has no byte cap on a PPP secret (PPPoE quotas are not built yet): hotspot only.
							limitBytesTotal:
								kind === 'hotspot' && pkg?.dataCapMb ? pkg.dataCapMb * 1024 * 1024 : undefined
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
					if (!options.dryRun) {
						await removeUser(api, kind, user.name, {
							tenantId: owner.tenantId,
							routerId: owner.routerId
						});
						touched.push({
							subscriberId: tag.subscriberId,
							kind,
							name: user.name,
							change: 'removed'
						});
					}
				}
			}
		});
		await withTenant(tenantId, async (tx) => {
			await requeueMovedSince(tx, router.tenantId, routerId, touched);
			await recordRouterSeen(tx, routerId);
			if (!options.dryRun) {
				await tx
					.update(routers)
					.set({ lastReconciledAt: new Date(), lastReconcileSummary: summaryRecord(report) })
					.where(eq(routers.id, routerId));
			}
		});
	} catch (error) {
		await withTenant(tenantId, (tx) => recordRouterError(tx, routerId, describeRouterError(error)));
		throw error;
	}
	return report;
}

interface TouchedEntry {
	subscriberId: string;
	kind: ServiceKind;
	name: string;
	change: 'added' | 'removed';
}

/**
 * The pass compared the router with the database as it was when the pass began. A subscriber
 * moved or deleted meanwhile (its jobs may already have run) could have been added back to the
 * router it left, or removed from the one it joined. Each entry the pass added or removed is
 * checked against the database now, and where they disagree a job is queued behind the pass's
 * own writes, so the router ends as the database says.
 */
async function requeueMovedSince(
	tx: Tx,
	tenantId: string,
	routerId: string,
	touched: TouchedEntry[]
): Promise<void> {
	const ids = [...new Set(touched.map((t) => t.subscriberId).filter((id) => UUID.test(id)))];
	if (ids.length === 0) return;
	const rows = await tx
		.select({ id: subscribers.id, routerId: subscribers.routerId, kind: subscribers.kind })
		.from(subscribers)
		.where(and(eq(subscribers.tenantId, tenantId), inArray(subscribers.id, ids)));
	const nowById = new Map(rows.map((row) => [row.id, row]));
	const jobs: NewJob[] = [];
	for (const entry of touched) {
		const now = nowById.get(entry.subscriberId);
		const belongsHere = now !== undefined && now.routerId === routerId && now.kind === entry.kind;
		if (entry.change === 'added' && !belongsHere) {
			jobs.push({
				tenantId,
				routerId,
				action: 'remove_subscriber',
				subscriberId: entry.subscriberId,
				payload: { username: entry.name, kind: entry.kind }
			});
		} else if (entry.change === 'removed' && belongsHere) {
			jobs.push({
				tenantId,
				routerId,
				action: 'sync_subscriber',
				subscriberId: entry.subscriberId
			});
		}
	}
	await enqueueJobs(tx, jobs);
}

/**
 * Subscriber ids in old-style tags ("mtandao:<id>", no tenant) that are this tenant's: only those
 * may be removed. Row-level security hides every other tenant's subscribers from the query.
 */
async function legacyEntriesOfTenant(
	scope: string,
	tenantId: string,
	entries: readonly { comment: string }[]
): Promise<Set<string>> {
	const ids = entries
		.map((entry) => readEntryTag(entry.comment))
		.filter((tag) => tag !== undefined && tag.owner === undefined)
		.map((tag) => tag!.subscriberId)
		.filter((id) => UUID.test(id));
	if (ids.length === 0) return new Set();
	const rows = await withTenant(scope, (tx) =>
		tx
			.select({ id: subscribers.id })
			.from(subscribers)
			.where(and(eq(subscribers.tenantId, tenantId), inArray(subscribers.id, ids)))
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
export async function reconcileDueRouters(
	everyMs: number,
	log: (line: string) => void
): Promise<number> {
	const due = await withTenant(PLATFORM_TENANT_ID, async (tx) =>
		rowsOf<{ tenant_id: string; id: string }>(
			await tx.execute(sql`
				update ${routers} set last_reconciled_at = now()
				where id in (
					select id from ${routers}
					where retired_at is null
					  and (last_reconciled_at is null or last_reconciled_at < now() - make_interval(secs => ${everyMs / 1000}))
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
