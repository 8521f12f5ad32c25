/**
 * The drizzle schema: tables, indexes and row-level security policies.
 *
 * Every tenant-owned table carries `tenant_id` and a policy that only shows rows whose tenant is
 * visible in the current scope. Visibility of tenants is decided once, on `tenants` itself
 * (the scope's tenant must be on the row's ancestor path), so other tables simply ask
 * "is my tenant among the tenants I can see?". The scope is read by `app_scope()` (see
 * drizzle/0000_roles_and_scope.sql), which refuses a scope whose signature does not match:
 * code inside a request cannot widen its view by calling set_config itself.
 */
import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	doublePrecision,
	foreignKey,
	index,
	integer,
	jsonb,
	pgPolicy,
	pgRole,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uniqueIndex,
	uuid,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';

import {
	TENANT_KINDS,
	ROLES,
	SERVICE_KINDS,
	VALIDITY_UNITS,
	SUBSCRIBER_STATUSES,
	JOB_ACTIONS,
	JOB_STATUSES,
	LEDGER_KINDS,
	MPESA_KINDS,
	MPESA_ENVIRONMENTS,
	PAYMENT_SOURCES,
	PAYMENT_STATUSES,
	PAYMENT_CHANNELS,
	CALLBACK_KINDS,
	CALLBACK_OUTCOMES,
	AGENT_SYNC_KINDS,
	NOTIFICATION_KINDS
} from '../../vocabulary';

// The statuses and kinds the columns hold live in src/lib/vocabulary.ts, shared with the pages.
export * from '../../vocabulary';

/** The role every request runs as: owns nothing, has no BYPASSRLS. Created by the first migration. */
export const appRole = pgRole('mtandao_app').existing();

/** Rows of tenants the current scope may see (the scope tenant and its descendants). */
const visibleTenant = sql`tenant_id IN (SELECT visible.id FROM tenants visible)`;

const tenantPolicies = (table: string) => [
	pgPolicy(`${table}_tenant_isolation`, {
		as: 'permissive',
		for: 'all',
		to: appRole,
		using: visibleTenant,
		withCheck: visibleTenant
	})
];

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const tenants = pgTable(
	'tenants',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		parentId: uuid('parent_id').references((): AnyPgColumn => tenants.id, { onDelete: 'restrict' }),
		/** Ancestors then self; filled by a trigger from the parent, so it cannot be forged. */
		path: uuid('path').array().notNull(),
		name: text('name').notNull(),
		slug: text('slug').notNull(),
		kind: text('kind', { enum: TENANT_KINDS }).notNull(),
		brandColor: text('brand_color').notNull().default('#0b7a45'),
		timezone: text('timezone').notNull().default('Africa/Nairobi'),
		/**
		 * Field agents may record cash they receive (agent-sync/cash.ts). Off until a manager turns it
		 * on: every shilling an agent records is one the manager must collect from them that evening.
		 */
		agentsTakeCash: boolean('agents_take_cash').notNull().default(false),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('tenants_slug_key').on(t.slug),
		index('tenants_parent_idx').on(t.parentId),
		index('tenants_path_gin').using('gin', t.path),
		check('tenants_slug_shape', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'`),
		check('tenants_brand_color_shape', sql`${t.brandColor} ~ '^#[0-9a-fA-F]{6}$'`),
		pgPolicy('tenants_visible_subtree', {
			for: 'select',
			to: appRole,
			using: sql`(SELECT app_scope_tenant()) = ANY (${t.path})`
		}),
		// A new tenant must land under a visible parent: the trigger copies the parent's path,
		// and the check then requires the scope tenant to be on it.
		pgPolicy('tenants_insert_under_visible', {
			for: 'insert',
			to: appRole,
			withCheck: sql`(SELECT app_scope_tenant()) = ANY (${t.path}) AND ${t.parentId} IS NOT NULL`
		}),
		pgPolicy('tenants_update_visible', {
			for: 'update',
			to: appRole,
			using: sql`(SELECT app_scope_tenant()) = ANY (${t.path}) AND ${t.parentId} IS NOT NULL`,
			withCheck: sql`(SELECT app_scope_tenant()) = ANY (${t.path}) AND ${t.parentId} IS NOT NULL`
		})
	]
).enableRLS();

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ROLES }).notNull(),
		name: text('name').notNull(),
		/** Lower-cased. Login is by email or phone, so both are unique across the platform. */
		email: text('email'),
		/** Normalised MSISDN, 2547XXXXXXXX or 2541XXXXXXXX. */
		phone: text('phone'),
		passwordHash: text('password_hash').notNull(),
		locale: text('locale'),
		disabledAt: timestamp('disabled_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		index('users_tenant_idx').on(t.tenantId, t.createdAt),
		uniqueIndex('users_email_key').on(t.email),
		uniqueIndex('users_phone_key').on(t.phone),
		check('users_has_login', sql`${t.email} IS NOT NULL OR ${t.phone} IS NOT NULL`),
		pgPolicy('users_tenant_isolation', {
			for: 'all',
			to: appRole,
			using: visibleTenant,
			withCheck: visibleTenant
		}),
		// Logging in: the scope names the login (email or phone) being tried, and nothing else.
		pgPolicy('users_login_lookup', {
			for: 'select',
			to: appRole,
			using: sql`(SELECT app_scope_value('login')) IN (${t.email}, ${t.phone})`
		}),
		// Validating a session: the user behind the one session the scope names.
		pgPolicy('users_session_lookup', {
			for: 'select',
			to: appRole,
			using: sql`${t.id} IN (SELECT s.user_id FROM sessions s WHERE s.id = (SELECT app_scope_value('session')))`
		})
	]
).enableRLS();

export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		/** SHA-256 of the token's secret part; the secret itself is never stored. */
		secretHash: text('secret_hash').notNull(),
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true }).notNull().defaultNow(),
		ip: text('ip'),
		userAgent: text('user_agent'),
		/**
		 * A platform admin's "act as tenant" grant: until `act_as_until` this session may write in
		 * `act_as_tenant_id` (and only there); without it the drill-down is read-only.
		 */
		actAsTenantId: uuid('act_as_tenant_id').references(() => tenants.id, { onDelete: 'set null' }),
		actAsReason: text('act_as_reason'),
		actAsUntil: timestamp('act_as_until', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		index('sessions_tenant_user_idx').on(t.tenantId, t.userId),
		pgPolicy('sessions_tenant_isolation', {
			for: 'all',
			to: appRole,
			using: visibleTenant,
			withCheck: visibleTenant
		}),
		pgPolicy('sessions_own', {
			for: 'all',
			to: appRole,
			using: sql`${t.id} = (SELECT app_scope_value('session'))`,
			withCheck: sql`${t.id} = (SELECT app_scope_value('session'))`
		})
	]
).enableRLS();

export const invitations = pgTable(
	'invitations',
	{
		id: text('id').primaryKey(),
		secretHash: text('secret_hash').notNull(),
		/**
		 * The whole link token, encrypted with the secret key (security/secrets), so managers can copy
		 * the link again until it is used, revoked or expired; cleared then. The hash above is what
		 * opens the link: a copy of the table without the key opens nothing.
		 */
		tokenSealed: text('token_sealed'),
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ROLES }).notNull(),
		name: text('name').notNull(),
		email: text('email'),
		phone: text('phone'),
		invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		acceptedAt: timestamp('accepted_at', { withTimezone: true }),
		/** A manager took the invitation back before it was used; its link opens nothing. */
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		index('invitations_tenant_idx').on(t.tenantId, t.createdAt),
		check('invitations_has_login', sql`${t.email} IS NOT NULL OR ${t.phone} IS NOT NULL`),
		pgPolicy('invitations_tenant_isolation', {
			for: 'all',
			to: appRole,
			using: visibleTenant,
			withCheck: visibleTenant
		}),
		pgPolicy('invitations_own', {
			for: 'all',
			to: appRole,
			using: sql`${t.id} = (SELECT app_scope_value('invite'))`,
			withCheck: sql`${t.id} = (SELECT app_scope_value('invite'))`
		})
	]
).enableRLS();

/**
 * A one-time link a manager gives a staff member who forgot their password. Like an invitation the
 * link is `<id>.<secret>` and only the secret's SHA-256 is kept; it works once, for a day.
 */
export const passwordResets = pgTable(
	'password_resets',
	{
		id: text('id').primaryKey(),
		secretHash: text('secret_hash').notNull(),
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		index('password_resets_tenant_user_idx').on(t.tenantId, t.userId),
		pgPolicy('password_resets_tenant_isolation', {
			for: 'all',
			to: appRole,
			using: visibleTenant,
			withCheck: visibleTenant
		}),
		// Opening the link: the scope names the one reset it is about, to read and nothing more;
		// the new password is then written in the reset's tenant.
		pgPolicy('password_resets_own', {
			for: 'select',
			to: appRole,
			using: sql`${t.id} = (SELECT app_scope_value('reset'))`
		})
	]
).enableRLS();

export const auditLog = pgTable(
	'audit_log',
	{
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
		actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
		actorName: text('actor_name'),
		action: text('action').notNull(),
		target: text('target'),
		detail: jsonb('detail').$type<Record<string, unknown>>(),
		ip: text('ip'),
		createdAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.id] }),
		index('audit_log_tenant_time_idx').on(t.tenantId, t.createdAt.desc().nullsFirst()),
		...tenantPolicies('audit_log')
	]
).enableRLS();

/** Failed logins per account and per IP. Not tenant data: an attacker has no tenant. */
export const loginThrottle = pgTable('login_throttle', {
	key: text('key').primaryKey(),
	failures: integer('failures').notNull().default(0),
	windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
	lockedUntil: timestamp('locked_until', { withTimezone: true })
});

/** A tenant's MikroTik router, reached over the RouterOS API. The password is AES-256-GCM ciphertext. */
export const routers = pgTable(
	'routers',
	{
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		host: text('host').notNull(),
		port: integer('port').notNull().default(8728),
		tls: boolean('tls').notNull().default(false),
		username: text('username').notNull(),
		passwordEnc: text('password_enc').notNull(),
		hotspotServer: text('hotspot_server').notNull().default('all'),
		identity: text('identity'),
		version: text('version'),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
		lastError: text('last_error'),
		lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
		/** When a worker last compared this router with the database (see network/reconcile.ts). */
		lastReconciledAt: timestamp('last_reconciled_at', { withTimezone: true }),
		lastReconcileSummary: text('last_reconcile_summary'),
		/**
		 * When a worker's heartbeat last claimed this router to ask if it is up (network/heartbeat.ts):
		 * the claim, so two workers never ask the same router in one round.
		 */
		checkedAt: timestamp('checked_at', { withTimezone: true }),
		/**
		 * api-ssl: SHA-256 of the certificate trusted for this router (`AB:CD:…`), pinned at the first
		 * successful "Test connection". RouterOS certificates are self-signed, so this is the check.
		 */
		tlsFingerprint: text('tls_fingerprint'),
		/**
		 * When a manager retired it (network/router-retirement.ts): no longer offered for new
		 * subscribers, the worker sends it only the jobs queued up to this moment, reconcile skips it.
		 * Kept, not deleted, so its subscribers, payments and audit entries still name it.
		 */
		retiredAt: timestamp('retired_at', { withTimezone: true }),
		/**
		 * Since when the router has failed every attempt to reach it (a job, a test, reconcile); cleared
		 * when it answers again. `downAlertedAt`: the "offline" notification of this outage went out
		 * (push/router-outages.ts), so one outage notifies once.
		 */
		downSince: timestamp('down_since', { withTimezone: true }),
		downAlertedAt: timestamp('down_alerted_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('routers_tenant_name_key').on(t.tenantId, t.name),
		unique('routers_tenant_id_key').on(t.tenantId, t.id),
		check('routers_port_range', sql`${t.port} between 1 and 65535`),
		...tenantPolicies('routers')
	]
).enableRLS();

/** What a subscriber buys: price in whole shillings, a validity, and the router profile it maps to. */
export const packages = pgTable(
	'packages',
	{
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		kind: text('kind', { enum: SERVICE_KINDS }).notNull(),
		priceKes: integer('price_kes').notNull(),
		validityUnit: text('validity_unit', { enum: VALIDITY_UNITS }).notNull(),
		validityCount: integer('validity_count').notNull(),
		/** upload/download as the router's rate-limit (rx/tx from the router's side), e.g. 2M/5M. */
		rateLimit: text('rate_limit').notNull(),
		dataCapMb: integer('data_cap_mb'),
		sharedDevices: integer('shared_devices').notNull().default(1),
		/** The router-side profile name: ASCII, fixed at creation so renaming never orphans users. */
		profileName: text('profile_name').notNull(),
		active: boolean('active').notNull().default(true),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('packages_tenant_name_key').on(t.tenantId, t.name),
		unique('packages_tenant_id_key').on(t.tenantId, t.id),
		uniqueIndex('packages_tenant_profile_key').on(t.tenantId, t.profileName),
		check('packages_price_positive', sql`${t.priceKes} > 0 and ${t.priceKes} <= 1000000`),
		check('packages_validity_positive', sql`${t.validityCount} > 0`),
		check('packages_rate_limit_shape', sql`${t.rateLimit} ~ '^[0-9]+[kKmMgG]?/[0-9]+[kKmMgG]?$'`),
		check('packages_shared_devices', sql`${t.sharedDevices} between 1 and 50`),
		...tenantPolicies('packages')
	]
).enableRLS();

export const subscribers = pgTable(
	'subscribers',
	{
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		id: uuid('id').primaryKey().defaultRandom(),
		/**
		 * What the customer types as the paybill account: short, digits, unique in the tenant. The
		 * column is in the "C" collation (drizzle/0020): digits compare byte by byte, so the unique key
		 * also serves the account prefix search as a range scan.
		 */
		accountNumber: text('account_number').notNull(),
		name: text('name').notNull(),
		phone: text('phone').notNull(),
		kind: text('kind', { enum: SERVICE_KINDS }).notNull(),
		routerId: uuid('router_id'),
		/** The package in force: the router enforces its profile, and it is what the subscriber is on now. */
		packageId: uuid('package_id'),
		/**
		 * The subscriber's plan when it differs from the package in force: a package chosen on /pay or the
		 * portal is bought for that payment only, and the plan (what a paybill payment, a renewal and the
		 * top-up page's suggestion buy) stays. Null: the package in force is the plan.
		 */
		planPackageId: uuid('plan_package_id'),
		status: text('status', { enum: SUBSCRIBER_STATUSES }).notNull().default('pending'),
		expiresAt: timestamp('expires_at', { withTimezone: true }),
		routerUsername: text('router_username').notNull(),
		routerPasswordEnc: text('router_password_enc').notNull(),
		registeredBy: uuid('registered_by').references(() => users.id, { onDelete: 'set null' }),
		latitude: doublePrecision('latitude'),
		longitude: doublePrecision('longitude'),
		/** The idempotency key an offline app sends with a registration. */
		clientRef: uuid('client_ref'),
		/** The national ID or passport number the agent saw, as typed. */
		idNumber: text('id_number'),
		/** What the agent noted at the door (where the house is, who to ask for). */
		notes: text('notes'),
		createdAt: createdAt(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		// A subscriber's router and package belong to its own tenant, not merely to one it can see.
		foreignKey({
			columns: [t.tenantId, t.routerId],
			foreignColumns: [routers.tenantId, routers.id],
			name: 'subscribers_router_fk'
		}).onDelete('restrict'),
		foreignKey({
			columns: [t.tenantId, t.packageId],
			foreignColumns: [packages.tenantId, packages.id],
			name: 'subscribers_package_fk'
		}).onDelete('restrict'),
		foreignKey({
			columns: [t.tenantId, t.planPackageId],
			foreignColumns: [packages.tenantId, packages.id],
			name: 'subscribers_plan_package_fk'
		}).onDelete('restrict'),
		uniqueIndex('subscribers_tenant_account_key').on(t.tenantId, t.accountNumber),
		uniqueIndex('subscribers_tenant_username_key').on(t.tenantId, t.routerUsername),
		uniqueIndex('subscribers_tenant_client_ref_key').on(t.tenantId, t.clientRef),
		index('subscribers_tenant_phone_idx').on(t.tenantId, t.phone),
		// NULLS FIRST is what ORDER BY ... DESC means: only then can the list walk the index in order.
		index('subscribers_tenant_created_idx').on(
			t.tenantId,
			t.createdAt.desc().nullsFirst(),
			t.id.desc().nullsFirst()
		),
		index('subscribers_tenant_status_created_idx').on(
			t.tenantId,
			t.status,
			t.createdAt.desc().nullsFirst(),
			t.id.desc().nullsFirst()
		),
		index('subscribers_expiring_idx')
			.on(t.expiresAt)
			.where(sql`${t.status} = 'active'`),
		check('subscribers_phone_shape', sql`${t.phone} ~ '^254[17][0-9]{8}$'`),
		check('subscribers_id_number_length', sql`char_length(${t.idNumber}) <= 20`),
		check('subscribers_notes_length', sql`char_length(${t.notes}) <= 500`),
		...tenantPolicies('subscribers')
	]
).enableRLS();

/**
 * The words of each subscriber's name, one row each, kept by a trigger (drizzle/0007). Searching
 * "kam" is then a range scan (term >= 'kam' and term < 'kan') on a btree: under row-level security
 * Postgres only uses an index for leakproof operators, and text comparisons are, while full-text
 * and LIKE matching are not.
 */
export const subscriberSearchTerms = pgTable(
	'subscriber_search_terms',
	{
		tenantId: uuid('tenant_id').notNull(),
		term: text('term').notNull(),
		subscriberId: uuid('subscriber_id')
			.notNull()
			.references(() => subscribers.id, { onDelete: 'cascade' })
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.term, t.subscriberId] }),
		index('subscriber_search_terms_subscriber_idx').on(t.subscriberId),
		...tenantPolicies('subscriber_search_terms')
	]
).enableRLS();

/**
 * The outbox: every change a router must see is a row here, written in the same transaction as the
 * change. Workers claim with FOR UPDATE SKIP LOCKED; a router's jobs run in id order.
 */
export const provisioningJobs = pgTable(
	'provisioning_jobs',
	{
		// No foreign key to tenants: the row-level security check on insert already proves the tenant
		// exists, and the key's check would lock the tenant's row (FOR KEY SHARE) on every insert,
		// making it the hottest row in the database. Tenants are never deleted.
		tenantId: uuid('tenant_id').notNull(),
		id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
		routerId: uuid('router_id').notNull(),
		action: text('action', { enum: JOB_ACTIONS }).notNull(),
		subscriberId: uuid('subscriber_id'),
		packageId: uuid('package_id'),
		/** What a removal needs after the subscriber row is gone: username and kind. */
		payload: jsonb('payload').$type<Record<string, string>>(),
		status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
		lockedUntil: timestamp('locked_until', { withTimezone: true }),
		lockedBy: text('locked_by'),
		lastError: text('last_error'),
		createdAt: createdAt(),
		finishedAt: timestamp('finished_at', { withTimezone: true }),
		/** Managers were told this job failed for good (push/watch.ts); cleared by a retry. */
		failureNotifiedAt: timestamp('failure_notified_at', { withTimezone: true })
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.id] }),
		uniqueIndex('provisioning_jobs_id_key').on(t.id),
		index('provisioning_jobs_failed_unnotified_idx')
			.on(t.id)
			.where(sql`${t.status} = 'failed' and ${t.failureNotifiedAt} is null`),
		foreignKey({
			columns: [t.tenantId, t.routerId],
			foreignColumns: [routers.tenantId, routers.id],
			name: 'provisioning_jobs_router_fk'
		}).onDelete('cascade'),
		index('provisioning_jobs_open_idx')
			.on(t.routerId, t.id)
			.where(sql`${t.status} in ('pending', 'running')`),
		index('provisioning_jobs_tenant_status_idx').on(t.tenantId, t.status, t.id),
		...tenantPolicies('provisioning_jobs')
	]
).enableRLS();

/**
 * A subscriber's wallet: append-only entries in whole shillings, credits positive and debits
 * negative. The balance is their sum; nothing is ever updated in place (no UPDATE/DELETE grant).
 */
export const ledgerEntries = pgTable(
	'ledger_entries',
	{
		// No foreign key to tenants: the row-level security check on insert already proves the tenant
		// exists, and the key's check would lock the tenant's row (FOR KEY SHARE) on every insert,
		// making it the hottest row in the database. Tenants are never deleted.
		tenantId: uuid('tenant_id').notNull(),
		id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
		subscriberId: uuid('subscriber_id')
			.notNull()
			.references(() => subscribers.id, { onDelete: 'restrict' }),
		kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
		amountKes: integer('amount_kes').notNull(),
		/** What the entry answers for: a receipt number, a package id, the entry it reverses. */
		reference: text('reference'),
		packageId: uuid('package_id'),
		recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
		note: text('note'),
		createdAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.id] }),
		// By subscriber alone: the wallet queries know the subscriber, not always the tenant.
		index('ledger_entries_subscriber_idx').on(t.subscriberId, t.id),
		// A cash entry's reference is the receipt the customer was given (agent-sync/cash.ts): one per
		// tenant, so a receipt read out over the phone names one entry.
		uniqueIndex('ledger_entries_tenant_cash_receipt_key')
			.on(t.tenantId, t.reference)
			.where(sql`${t.kind} = 'cash' and ${t.reference} is not null`),
		// The cash each staff member took in a day, for the evening count (agent-sync/cash-report.ts).
		index('ledger_entries_tenant_cash_idx')
			.on(t.tenantId, t.createdAt)
			.where(sql`${t.kind} = 'cash'`),
		check(
			'ledger_entries_sign',
			sql`(${t.kind} in ('payment', 'cash', 'correction') and ${t.amountKes} > 0) or (${t.kind} in ('purchase', 'reversal') and ${t.amountKes} < 0)`
		),
		...tenantPolicies('ledger_entries')
	]
).enableRLS();

/** A tenant's own M-Pesa shortcode and Daraja app. Keys are AES-256-GCM ciphertext, never shown back. */
export const mpesaSettings = pgTable(
	'mpesa_settings',
	{
		tenantId: uuid('tenant_id')
			.primaryKey()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: MPESA_KINDS }).notNull(),
		shortcode: text('shortcode').notNull(),
		/** Buy goods: the till customers pay (PartyB); the shortcode is then the store number. */
		tillNumber: text('till_number'),
		consumerKeyEnc: text('consumer_key_enc').notNull(),
		consumerSecretEnc: text('consumer_secret_enc').notNull(),
		passkeyEnc: text('passkey_enc').notNull(),
		environment: text('environment', { enum: MPESA_ENVIRONMENTS }).notNull().default('sandbox'),
		baseUrl: text('base_url'),
		/** The unguessable part of this tenant's callback URLs; rotating it retires the old URLs. */
		callbackToken: text('callback_token').notNull(),
		callbackIpAllowlist: text('callback_ip_allowlist').array(),
		/** Refuse paybill payments whose account number matches no subscriber (C2B00012). */
		strictValidation: boolean('strict_validation').notNull().default(false),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' })
	},
	(t) => [
		uniqueIndex('mpesa_settings_callback_token_key').on(t.callbackToken),
		check('mpesa_settings_shortcode_shape', sql`${t.shortcode} ~ '^[0-9]{5,7}$'`),
		check(
			'mpesa_settings_till_shape',
			sql`${t.tillNumber} is null or ${t.tillNumber} ~ '^[0-9]{5,8}$'`
		),
		...tenantPolicies('mpesa_settings')
	]
).enableRLS();

/**
 * One M-Pesa payment, as an STK push we started or a paybill/till payment Safaricom told us about.
 * A receipt (MpesaReceiptNumber, or TransID for C2B) is credited once per tenant; a
 * CheckoutRequestID belongs to one payment.
 */
export const payments = pgTable(
	'payments',
	{
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		id: uuid('id').primaryKey().defaultRandom(),
		source: text('source', { enum: PAYMENT_SOURCES }).notNull(),
		channel: text('channel', { enum: PAYMENT_CHANNELS }).notNull(),
		status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
		subscriberId: uuid('subscriber_id').references(() => subscribers.id, { onDelete: 'restrict' }),
		/** The package the customer chose (STK); bought from the wallet once the money is in. */
		packageId: uuid('package_id'),
		/** What settling bought: the package and its price then; null when the money only went to the wallet. */
		boughtPackageId: uuid('bought_package_id'),
		boughtPriceKes: integer('bought_price_kes'),
		/** The wallet's balance right after this payment was settled (and its package bought). */
		walletAfterKes: integer('wallet_after_kes'),
		/** 2547…/2541…, or as Safaricom sent it (masked or hashed) for C2B. */
		phone: text('phone').notNull(),
		amountKes: integer('amount_kes').notNull(),
		accountReference: text('account_reference'),
		shortcode: text('shortcode'),
		merchantRequestId: text('merchant_request_id'),
		checkoutRequestId: text('checkout_request_id'),
		receipt: text('receipt'),
		resultCode: integer('result_code'),
		resultDesc: text('result_desc'),
		/** Why a payment is flagged or unmatched, in words a manager reads. */
		note: text('note'),
		payerName: text('payer_name'),
		/** The payment that carries this one's money: the same M-Pesa transaction, reported twice. */
		duplicateOf: uuid('duplicate_of').references((): AnyPgColumn => payments.id, {
			onDelete: 'set null'
		}),
		initiatedBy: uuid('initiated_by').references(() => users.id, { onDelete: 'set null' }),
		/** The captive portal's device: mac, ip, where to log it in. */
		device: jsonb('device').$type<Record<string, string>>(),
		queryAttempts: integer('query_attempts').notNull().default(0),
		nextQueryAt: timestamp('next_query_at', { withTimezone: true }),
		createdAt: createdAt(),
		settledAt: timestamp('settled_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('payments_checkout_request_key').on(t.checkoutRequestId),
		uniqueIndex('payments_tenant_receipt_key').on(t.tenantId, t.receipt),
		index('payments_tenant_created_idx').on(
			t.tenantId,
			t.createdAt.desc().nullsFirst(),
			t.id.desc().nullsFirst()
		),
		// Only the payments a manager must look at (pending, failed, unmatched, flagged): a succeeded
		// payment, nearly all of them, is listed through payments_tenant_created_idx, and settling one
		// then writes no entry here.
		index('payments_tenant_open_status_created_idx')
			.on(t.tenantId, t.status, t.createdAt.desc().nullsFirst())
			.where(sql`${t.status} <> 'succeeded'`),
		index('payments_subscriber_idx').on(t.subscriberId, t.createdAt),
		index('payments_due_query_idx')
			.on(t.nextQueryAt)
			.where(sql`${t.status} = 'pending'`),
		check('payments_amount_positive', sql`${t.amountKes} > 0`),
		...tenantPolicies('payments')
	]
).enableRLS();

/** Every body Safaricom posted to a tenant's callback URLs, kept as received, with what we did. */
export const mpesaCallbacks = pgTable(
	'mpesa_callbacks',
	{
		// No foreign key to tenants: the row-level security check on insert already proves the tenant
		// exists, and the key's check would lock the tenant's row (FOR KEY SHARE) on every insert,
		// making it the hottest row in the database. Tenants are never deleted.
		tenantId: uuid('tenant_id').notNull(),
		id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
		kind: text('kind', { enum: CALLBACK_KINDS }).notNull(),
		body: text('body').notNull(),
		remoteAddress: text('remote_address'),
		/** CheckoutRequestID or TransID, when the body had one. */
		reference: text('reference'),
		outcome: text('outcome', { enum: CALLBACK_OUTCOMES }).notNull().default('received'),
		paymentId: uuid('payment_id'),
		note: text('note'),
		receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		// Also a tenant's callbacks newest first: ids follow arrival.
		primaryKey({ columns: [t.tenantId, t.id] }),
		index('mpesa_callbacks_reference_idx').on(t.tenantId, t.reference),
		...tenantPolicies('mpesa_callbacks')
	]
).enableRLS();

/**
 * What each item an agent's phone sent to /agent/sync became, keyed by the id the phone gave it:
 * written in the transaction that made the effect, so a replay finds the first result and never
 * makes a second subscriber or a second cash entry. Only items that took effect are kept.
 */
export const agentSyncItems = pgTable(
	'agent_sync_items',
	{
		// No foreign key to tenants, as provisioning_jobs: row-level security proves the tenant on insert.
		tenantId: uuid('tenant_id').notNull(),
		/** The UUID the phone made when the item was queued. */
		id: uuid('id').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: AGENT_SYNC_KINDS }).notNull(),
		/** The answer the phone got, sent again to a replay. */
		result: jsonb('result').$type<Record<string, unknown>>().notNull(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.tenantId, t.id] }), ...tenantPolicies('agent_sync_items')]
).enableRLS();

/** Requests per key (an IP, a phone) in the current window: the public pages' rate limit. */
export const rateLimits = pgTable(
	'rate_limits',
	{
		key: text('key').notNull(),
		windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
		hits: integer('hits').notNull().default(0)
	},
	(t) => [primaryKey({ columns: [t.key, t.windowStart] })]
);

/**
 * This server's VAPID key pair (RFC 8292), made at first start and kept; one row. Not tenant data:
 * every push service sees the same public key. The private key is sealed like M-Pesa keys.
 */
export const pushVapidKeys = pgTable(
	'push_vapid_keys',
	{
		id: integer('id').primaryKey().default(1),
		publicKey: text('public_key').notNull(),
		privateKeySealed: text('private_key_sealed').notNull(),
		createdAt: createdAt()
	},
	(t) => [check('push_vapid_keys_one_row', sql`${t.id} = 1`)]
);

/**
 * A staff member's browser that asked for push notifications: the push service's endpoint and the
 * keys its messages are encrypted with (RFC 8291), and which kinds this device wants.
 */
export const pushSubscriptions = pgTable(
	'push_subscriptions',
	{
		tenantId: uuid('tenant_id')
			.notNull()
			.references(() => tenants.id, { onDelete: 'cascade' }),
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		endpoint: text('endpoint').notNull(),
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		/** "Chrome on Android": what the device list shows, from the user agent at subscription. */
		label: text('label').notNull(),
		kinds: text('kinds', { enum: NOTIFICATION_KINDS }).array().notNull(),
		createdAt: createdAt(),
		lastSuccessAt: timestamp('last_success_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('push_subscriptions_tenant_endpoint_key').on(t.tenantId, t.endpoint),
		index('push_subscriptions_tenant_user_idx').on(t.tenantId, t.userId),
		check('push_subscriptions_endpoint_size', sql`length(${t.endpoint}) <= 1024`),
		...tenantPolicies('push_subscriptions')
	]
).enableRLS();

/**
 * What a staff member was told (the in-app list, newest first, the last 100 kept), written in the
 * transaction of the event itself. `data` holds the facts (names, amount, receipt), not sentences:
 * the list and the push are worded in the reader's language when shown.
 */
export const notifications = pgTable(
	'notifications',
	{
		// No foreign key to tenants, as provisioning_jobs: written in the payment's hot transaction.
		tenantId: uuid('tenant_id').notNull(),
		id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
		data: jsonb('data').$type<Record<string, string | number | null>>().notNull(),
		/** The page a tap opens (a path of this app). */
		url: text('url').notNull(),
		createdAt: createdAt(),
		readAt: timestamp('read_at', { withTimezone: true })
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.id] }),
		uniqueIndex('notifications_id_key').on(t.id),
		index('notifications_user_idx').on(t.userId, t.id.desc().nullsFirst()),
		...tenantPolicies('notifications')
	]
).enableRLS();

/**
 * The push outbox: one row per notification and device, written with the notification, sent after
 * the commit by push/sender.ts (claimed with SKIP LOCKED, retried with backoff).
 */
export const pushDeliveries = pgTable(
	'push_deliveries',
	{
		tenantId: uuid('tenant_id').notNull(),
		id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
		notificationId: bigint('notification_id', { mode: 'number' }).notNull(),
		subscriptionId: uuid('subscription_id')
			.notNull()
			.references(() => pushSubscriptions.id, { onDelete: 'cascade' }),
		status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
		lockedUntil: timestamp('locked_until', { withTimezone: true }),
		lastError: text('last_error'),
		createdAt: createdAt(),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [
		primaryKey({ columns: [t.tenantId, t.id] }),
		index('push_deliveries_open_idx')
			.on(t.runAfter, t.id)
			.where(sql`${t.status} in ('pending', 'running')`),
		index('push_deliveries_subscription_idx').on(t.subscriptionId),
		...tenantPolicies('push_deliveries')
	]
).enableRLS();

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type Router = typeof routers.$inferSelect;
export type Package = typeof packages.$inferSelect;
export type Subscriber = typeof subscribers.$inferSelect;
export type ProvisioningJob = typeof provisioningJobs.$inferSelect;
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type MpesaSettings = typeof mpesaSettings.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type MpesaCallback = typeof mpesaCallbacks.$inferSelect;
export type AgentSyncItem = typeof agentSyncItems.$inferSelect;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type PushDelivery = typeof pushDeliveries.$inferSelect;
