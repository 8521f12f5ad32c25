/**
 * Subscribers: registration, the life cycle (suspend, resume, expire, change package, delete) and
 * the list managers search. Every change a router must see writes a provisioning job in the same
 * transaction. Renewal (buying a package) is billing's: billing/renewals.ts.
 */
import { and, desc, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db';
import {
	ledgerEntries,
	packages,
	routers,
	subscriberSearchTerms,
	subscribers,
	tenants,
	type ServiceKind,
	type Subscriber,
	type SubscriberStatus
} from '../db/schema';
import { encryptSecret } from '../security/secrets';
import { isForeignKeyViolation, isUniqueViolation } from '../db/errors';
import { normalizeMsisdn } from '../../phone';
import { enqueueJobs, jobsQueued, type NewJob } from './jobs';
import { RouterNotOpen, assertRouterOpen } from './routers';
import { cursorTime, olderThan, type PageCursor } from '../db/keyset';

export type { Subscriber };

export class SubscriberConflict extends Error {
	constructor(
		readonly field: 'accountNumber' | 'clientRef',
		message: string
	) {
		super(message);
	}
}

export class NotInTenant extends Error {
	constructor(readonly field: 'routerId' | 'packageId') {
		super(`The ${field === 'routerId' ? 'router' : 'package'} does not belong to this tenant`);
	}
}

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Short, digits only: what a customer types as the paybill account number on a phone keypad. */
export function generateAccountNumber(digits = 6): string {
	const bytes = crypto.getRandomValues(new Uint32Array(1));
	const min = 10 ** (digits - 1);
	return String(min + (bytes[0]! % (9 * min)));
}

export function generateRouterPassword(length = 8): string {
	const bytes = crypto.getRandomValues(new Uint8Array(length));
	return Array.from(bytes, (b) => PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]).join('');
}

export interface RegistrationInput {
	tenantId: string;
	name: string;
	phone: string;
	kind: ServiceKind;
	routerId: string | null;
	packageId: string | null;
	registeredBy: string | null;
	latitude?: number | null;
	longitude?: number | null;
	clientRef?: string | null;
	idNumber?: string | null;
	notes?: string | null;
	accountNumber?: string;
	/**
	 * Whether the router gets the (disabled) user now. The captive portal says no: anyone can type
	 * a phone there, and its user goes to the router with the first payment (the renewal syncs it).
	 */
	routerUserNow?: boolean;
}

/**
 * Registers a subscriber. With a clientRef (an offline app's idempotency key) a repeat returns the
 * first registration instead of creating a second one.
 */
export async function registerSubscriber(
	tx: Tx,
	input: RegistrationInput
): Promise<{ subscriber: Subscriber; created: boolean }> {
	if (input.clientRef) {
		const [existing] = await tx
			.select()
			.from(subscribers)
			.where(
				and(eq(subscribers.tenantId, input.tenantId), eq(subscribers.clientRef, input.clientRef))
			);
		if (existing) return { subscriber: existing, created: false };
	}
	if (input.routerId) {
		// A retired router takes no new subscribers, whatever a (forged) form names.
		try {
			await assertRouterOpen(tx, input.tenantId, input.routerId);
		} catch (error) {
			if (error instanceof RouterNotOpen && error.reason === 'missing')
				throw new NotInTenant('routerId');
			throw error;
		}
	}
	for (let attempt = 0; attempt < 8; attempt++) {
		const accountNumber = input.accountNumber ?? generateAccountNumber(attempt < 4 ? 6 : 7);
		try {
			// A savepoint, so a clash on the random account number can be retried in the same transaction.
			const subscriber = await tx.transaction(async (inner) => {
				const [row] = await inner
					.insert(subscribers)
					.values({
						tenantId: input.tenantId,
						accountNumber,
						name: input.name,
						phone: input.phone,
						kind: input.kind,
						routerId: input.routerId,
						packageId: input.packageId,
						routerUsername: accountNumber,
						routerPasswordEnc: encryptSecret(generateRouterPassword()),
						registeredBy: input.registeredBy,
						latitude: input.latitude ?? null,
						longitude: input.longitude ?? null,
						clientRef: input.clientRef ?? null,
						idNumber: input.idNumber ?? null,
						notes: input.notes ?? null
					})
					.returning();
				return row!;
			});
			if (subscriber.routerId && input.routerUserNow !== false) {
				// The router gets the user at once, disabled until the first payment or activation.
				await enqueueJobs(tx, [
					{
						tenantId: subscriber.tenantId,
						routerId: subscriber.routerId,
						action: 'sync_subscriber',
						subscriberId: subscriber.id
					}
				]);
			}
			return { subscriber, created: true };
		} catch (error) {
			if (
				isUniqueViolation(error, 'subscribers_tenant_account_key') ||
				isUniqueViolation(error, 'subscribers_tenant_username_key')
			) {
				if (input.accountNumber)
					throw new SubscriberConflict('accountNumber', 'That account number is taken');
				continue;
			}
			if (isUniqueViolation(error, 'subscribers_tenant_client_ref_key')) {
				const [existing] = await tx
					.select()
					.from(subscribers)
					.where(
						and(
							eq(subscribers.tenantId, input.tenantId),
							eq(subscribers.clientRef, input.clientRef!)
						)
					);
				if (existing) return { subscriber: existing, created: false };
			}
			if (isForeignKeyViolation(error, 'subscribers_router_fk')) throw new NotInTenant('routerId');
			if (isForeignKeyViolation(error, 'subscribers_package_fk'))
				throw new NotInTenant('packageId');
			throw error;
		}
	}
	throw new SubscriberConflict('accountNumber', 'Could not find a free account number');
}

export type SubscriberMatch =
	{ found: Subscriber; by: 'account' | 'phone' } | { found: null; reason: 'none' | 'ambiguous' };

/**
 * How customers name their account when they pay or top up: the account number first, else a phone
 * that exactly one subscriber of the tenant has (a shared family phone names nobody).
 */
export async function matchSubscriber(
	tx: Tx,
	tenantId: string,
	key: { account: string | null; phone: string | null }
): Promise<SubscriberMatch> {
	if (key.account) {
		const [byAccount] = await tx
			.select()
			.from(subscribers)
			.where(and(eq(subscribers.tenantId, tenantId), eq(subscribers.accountNumber, key.account)));
		if (byAccount) return { found: byAccount, by: 'account' };
	}
	if (key.phone) {
		const byPhone = await tx
			.select()
			.from(subscribers)
			.where(and(eq(subscribers.tenantId, tenantId), eq(subscribers.phone, key.phone)))
			.limit(2);
		if (byPhone.length > 1) return { found: null, reason: 'ambiguous' };
		if (byPhone[0]) return { found: byPhone[0], by: 'phone' };
	}
	return { found: null, reason: 'none' };
}

export async function getSubscriber(tx: Tx, id: string): Promise<Subscriber | undefined> {
	const [row] = await tx.select().from(subscribers).where(eq(subscribers.id, id));
	return row;
}

async function queueSync(
	tx: Tx,
	subscriber: Pick<Subscriber, 'tenantId' | 'id' | 'routerId'>
): Promise<void> {
	if (subscriber.routerId) {
		await enqueueJobs(tx, [
			{
				tenantId: subscriber.tenantId,
				routerId: subscriber.routerId,
				action: 'sync_subscriber',
				subscriberId: subscriber.id
			}
		]);
	}
}

export async function setSuspended(
	tx: Tx,
	subscriberId: string,
	suspended: boolean
): Promise<Subscriber | undefined> {
	const [row] = await tx
		.update(subscribers)
		.set({
			status: suspended
				? 'suspended'
				: sql`case when ${subscribers.expiresAt} > now() then 'active' when ${subscribers.expiresAt} is null then 'pending' else 'expired' end`,
			updatedAt: new Date()
		})
		.where(eq(subscribers.id, subscriberId))
		.returning();
	if (row) await queueSync(tx, row);
	return row;
}

/** A package of another kind than the subscriber's service: a hotspot plan cannot run on a PPPoE secret. */
export class PackageKindMismatch extends Error {
	readonly field = 'packageId';
	constructor() {
		super("The package is for another kind of service than the subscriber's");
	}
}

export interface SubscriberChanges {
	name?: string;
	phone?: string;
	kind?: ServiceKind;
	routerId?: string | null;
	packageId?: string | null;
}

export type ChangedField = keyof SubscriberChanges;

export interface SubscriberChange {
	before: Subscriber;
	after: Subscriber;
	/** The fields whose value changed, in a fixed order; empty when the edit changed nothing. */
	changed: ChangedField[];
}

const CHANGE_FIELDS: ChangedField[] = ['name', 'phone', 'kind', 'routerId', 'packageId'];

/**
 * Corrects a subscriber: name, phone, service kind, router and package, in one transaction with
 * the router jobs that make the routers follow. The router entry is named by the router username
 * (the account number), which never changes, so a rename is a sync of the same entry (its
 * comment carries the name and phone). A move or a change of kind removes the old entry (old
 * router, old kind) and creates the new one: two jobs in the same outbox, each retried until its
 * router answers, and each applied against the subscriber as it then is (worker.ts), so a late
 * removal never undoes a later move back. Throws NotInTenant for another tenant's router or
 * package (the composite foreign keys decide, under row-level security), PackageKindMismatch when
 * the package would not fit the kind.
 */
export async function changeSubscriber(
	tx: Tx,
	subscriberId: string,
	changes: SubscriberChanges
): Promise<SubscriberChange | undefined> {
	const [before] = await tx
		.select()
		.from(subscribers)
		.where(eq(subscribers.id, subscriberId))
		.for('update');
	if (!before) return undefined;
	const wanted = Object.fromEntries(
		Object.entries(changes).filter(([, value]) => value !== undefined)
	) as SubscriberChanges;
	if (wanted.routerId && wanted.routerId !== before.routerId) {
		// A retired router takes no one new: to a picker it is not in the list, so "not one of ours".
		const [target] = await tx
			.select({ retiredAt: routers.retiredAt })
			.from(routers)
			.where(and(eq(routers.id, wanted.routerId), eq(routers.tenantId, before.tenantId)));
		if (!target || target.retiredAt) throw new NotInTenant('routerId');
	}
	const kind = wanted.kind ?? before.kind;
	const packageId = wanted.packageId !== undefined ? wanted.packageId : before.packageId;
	if (packageId && (wanted.kind !== undefined || wanted.packageId !== undefined)) {
		// Row-level security hides other tenants' packages; the tenant check says so in the query too.
		const [pkg] = await tx
			.select({ kind: packages.kind })
			.from(packages)
			.where(and(eq(packages.id, packageId), eq(packages.tenantId, before.tenantId)));
		if (!pkg) throw new NotInTenant('packageId');
		if (pkg.kind !== kind) throw new PackageKindMismatch();
	}
	if (wanted.routerId && wanted.routerId !== before.routerId) {
		const [router] = await tx
			.select({ id: routers.id })
			.from(routers)
			.where(and(eq(routers.id, wanted.routerId), eq(routers.tenantId, before.tenantId)));
		if (!router) throw new NotInTenant('routerId');
	}
	const changed = CHANGE_FIELDS.filter(
		(field) => field in wanted && wanted[field] !== before[field]
	);
	// A manager's choice of package is the plan: a plan kept aside by a one-off purchase goes
	// (billing/renewals.ts), even when the package chosen is the one already in force.
	const plan =
		wanted.packageId !== undefined && before.planPackageId !== null ? { planPackageId: null } : {};
	if (changed.length === 0 && !('planPackageId' in plan)) return { before, after: before, changed };
	let after: Subscriber | undefined;
	try {
		// A savepoint: a refused key leaves the caller's transaction usable (it may answer and commit).
		[after] = await tx.transaction((inner) =>
			inner
				.update(subscribers)
				.set({ ...wanted, ...plan, updatedAt: new Date() })
				.where(eq(subscribers.id, subscriberId))
				.returning()
		);
	} catch (error) {
		if (isForeignKeyViolation(error, 'subscribers_router_fk')) throw new NotInTenant('routerId');
		if (isForeignKeyViolation(error, 'subscribers_package_fk')) throw new NotInTenant('packageId');
		throw error;
	}
	if (!after) return undefined;
	await enqueueJobs(tx, changeJobs(before, after));
	return { before, after, changed };
}

type RouterSide = Pick<Subscriber, 'tenantId' | 'id' | 'routerId' | 'kind' | 'routerUsername'>;

/** The router jobs a change makes: the old entry removed on a move or a change of kind, then the subscriber synced where it now is. */
function changeJobs(before: RouterSide, after: RouterSide): NewJob[] {
	const jobs: NewJob[] = [];
	if (before.routerId && (before.routerId !== after.routerId || before.kind !== after.kind)) {
		// The subscriber id lets the worker skip this removal if the subscriber is back here by then.
		jobs.push({
			tenantId: after.tenantId,
			routerId: before.routerId,
			action: 'remove_subscriber',
			subscriberId: after.id,
			payload: { username: before.routerUsername, kind: before.kind }
		});
	}
	if (after.routerId)
		jobs.push({
			tenantId: after.tenantId,
			routerId: after.routerId,
			action: 'sync_subscriber',
			subscriberId: after.id
		});
	return jobs;
}

/**
 * Moves every subscriber of one router to another in one statement (a router being retired), with
 * the same jobs as one moveSubscriber each. The target is checked as in changeSubscriber: this
 * tenant's and not retired, else NotInTenant. Returns how many moved.
 */
export async function moveRouterSubscribers(
	tx: Tx,
	fromRouterId: string,
	toRouterId: string
): Promise<number> {
	const [target] = await tx
		.select({ tenantId: routers.tenantId, retiredAt: routers.retiredAt })
		.from(routers)
		.where(eq(routers.id, toRouterId));
	if (!target || target.retiredAt) throw new NotInTenant('routerId');
	let moved: RouterSide[];
	try {
		moved = await tx
			.update(subscribers)
			.set({ routerId: toRouterId, updatedAt: new Date() })
			.where(and(eq(subscribers.routerId, fromRouterId), eq(subscribers.tenantId, target.tenantId)))
			.returning({
				tenantId: subscribers.tenantId,
				id: subscribers.id,
				routerId: subscribers.routerId,
				kind: subscribers.kind,
				routerUsername: subscribers.routerUsername
			});
	} catch (error) {
		if (isForeignKeyViolation(error, 'subscribers_router_fk')) throw new NotInTenant('routerId');
		throw error;
	}
	await enqueueJobs(
		tx,
		moved.flatMap((after) => changeJobs({ ...after, routerId: fromRouterId }, after))
	);
	return moved.length;
}

/**
 * The tenant's other subscribers with this phone (a family phone is allowed, but a manager who
 * types it is told). Holds a lock on the phone until the transaction ends, so two edits to the
 * same phone at once are checked one after the other.
 */
export async function othersWithPhone(tx: Tx, tenantId: string, phone: string, exceptId: string) {
	await tx.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`subscriber-phone:${tenantId}:${phone}`}, 0))`
	);
	return tx
		.select({
			id: subscribers.id,
			name: subscribers.name,
			accountNumber: subscribers.accountNumber
		})
		.from(subscribers)
		.where(
			and(
				eq(subscribers.tenantId, tenantId),
				eq(subscribers.phone, phone),
				ne(subscribers.id, exceptId)
			)
		)
		.limit(3);
}

/** Moves a subscriber to another router of its tenant: removed from the old one, created on the new one. */
export async function moveSubscriber(
	tx: Tx,
	subscriberId: string,
	routerId: string | null
): Promise<SubscriberChange | undefined> {
	return changeSubscriber(tx, subscriberId, { routerId });
}

/** The subscriber as it is after the change (see changeSubscriber). */
export async function updateSubscriber(
	tx: Tx,
	subscriberId: string,
	changes: SubscriberChanges
): Promise<Subscriber | undefined> {
	return (await changeSubscriber(tx, subscriberId, changes))?.after;
}

/** A subscriber with wallet history is kept: money records are never deleted. Suspend instead. */
export class SubscriberHasHistory extends Error {
	constructor() {
		super('This subscriber has payments on record and cannot be deleted; suspend them instead');
	}
}

export async function deleteSubscriber(
	tx: Tx,
	subscriberId: string
): Promise<Subscriber | undefined> {
	const [history] = await tx
		.select({ id: ledgerEntries.id })
		.from(ledgerEntries)
		.where(eq(ledgerEntries.subscriberId, subscriberId))
		.limit(1);
	if (history) throw new SubscriberHasHistory();
	const [row] = await tx.delete(subscribers).where(eq(subscribers.id, subscriberId)).returning();
	if (row?.routerId) {
		await enqueueJobs(tx, [
			{
				tenantId: row.tenantId,
				routerId: row.routerId,
				action: 'remove_subscriber',
				payload: { username: row.routerUsername, kind: row.kind }
			}
		]);
	}
	return row;
}

/**
 * Expires every active subscriber whose time is up, and queues the router change, in one statement.
 * Runs in the platform scope; a renewal that commits first moves expires_at and is skipped.
 */
export async function expireDueSubscribers(tx: Tx): Promise<number> {
	const result = await tx.execute(sql`
		with expired as (
			update subscribers set status = 'expired', updated_at = now()
			where status = 'active' and expires_at <= now()
			returning tenant_id, id, router_id
		), queued as (
			insert into provisioning_jobs (tenant_id, router_id, action, subscriber_id)
			select tenant_id, router_id, 'sync_subscriber', id from expired where router_id is not null
			returning 1
		)
		select (select count(*) from expired)::int as expired`);
	const expired = rowsOf<{ expired: number }>(result)[0]?.expired ?? 0;
	if (expired > 0) jobsQueued();
	return expired;
}

export interface SubscriberFilter {
	q?: string;
	status?: SubscriberStatus;
	packageId?: string;
	/** Only the subscribers this staff member registered (an agent's own; never taken from the request). */
	registeredBy?: string;
	/** Keyset cursor: the last row of the previous page. */
	after?: PageCursor;
	limit?: number;
}

/** The words of a search, lower-cased, letters and digits only, at most five. */
export function searchWords(q: string): string[] {
	return q
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.slice(0, 5);
}

/** The smallest string after every string that starts with `prefix` (byte order). */
function prefixEnd(prefix: string): string {
	const last = prefix.codePointAt(prefix.length - 1)!;
	return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

/**
 * Name words as typed so far ("wan kam" finds "Wanjiku Kamau"), a phone number in any shape, or the
 * start of an account number. Only range and equality comparisons: they are leakproof, so Postgres
 * may use indexes for them under row-level security.
 */
function searchCondition(q: string, tenantScope: SQL): SQL | undefined {
	const trimmed = q.trim();
	if (!trimmed) return undefined;
	const parts: SQL[] = [];
	const phone = normalizeMsisdn(trimmed);
	if (phone) parts.push(eq(subscribers.phone, phone));
	const compact = trimmed.replace(/[\s-]/g, '');
	if (/^[0-9a-z]+$/i.test(compact)) {
		const account = compact.toUpperCase();
		parts.push(
			sql`(${subscribers.accountNumber} collate "C" >= ${account} and ${subscribers.accountNumber} collate "C" < ${prefixEnd(account)})`
		);
	}
	// Digits alone are a phone or an account number, never a name.
	const words = /\p{L}/u.test(trimmed) ? searchWords(trimmed) : [];
	if (words.length) {
		parts.push(
			and(
				...words.map(
					(word) => sql`${subscribers.id} in (
						select t.subscriber_id from ${subscriberSearchTerms} t
						where ${tenantScope} and t.term >= ${word} and t.term < ${prefixEnd(word)})`
				)
			)!
		);
	}
	return parts.length ? or(...parts) : sql`false`;
}

export async function listSubscribers(tx: Tx, filter: SubscriberFilter) {
	const limit = Math.min(filter.limit ?? 25, 100);
	// The tenants this scope sees, named explicitly: with one tenant (the usual case) the list is a
	// walk down the (tenant_id, created_at, id) index that stops after one page.
	const visible = (await tx.select({ id: tenants.id }).from(tenants)).map((t) => t.id);
	const inScope =
		visible.length === 1
			? eq(subscribers.tenantId, visible[0]!)
			: inArray(subscribers.tenantId, visible);
	const termScope =
		visible.length === 1 ? sql`t.tenant_id = ${visible[0]!}` : sql`t.tenant_id in ${visible}`;
	const conditions = [
		inScope,
		filter.q ? searchCondition(filter.q, termScope) : undefined,
		filter.status ? eq(subscribers.status, filter.status) : undefined,
		filter.packageId ? eq(subscribers.packageId, filter.packageId) : undefined,
		filter.registeredBy ? eq(subscribers.registeredBy, filter.registeredBy) : undefined,
		filter.after ? olderThan(subscribers.createdAt, subscribers.id, filter.after) : undefined
	].filter((c): c is SQL => c !== undefined);
	const rows = await tx
		.select({
			id: subscribers.id,
			accountNumber: subscribers.accountNumber,
			name: subscribers.name,
			phone: subscribers.phone,
			kind: subscribers.kind,
			status: subscribers.status,
			expiresAt: subscribers.expiresAt,
			createdAt: subscribers.createdAt,
			packageName: packages.name,
			cursorAt: cursorTime(subscribers.createdAt)
		})
		.from(subscribers)
		.leftJoin(packages, eq(packages.id, subscribers.packageId))
		.where(conditions.length ? and(...conditions) : undefined)
		.orderBy(desc(subscribers.createdAt), desc(subscribers.id))
		.limit(limit + 1);
	const page = rows.slice(0, limit).map(({ cursorAt: _, ...row }) => row);
	const last = rows[limit - 1];
	return {
		rows: page,
		next: rows.length > limit && last ? { at: last.cursorAt, id: last.id } : null
	};
}
