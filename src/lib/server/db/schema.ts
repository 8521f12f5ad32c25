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
	check,
	index,
	integer,
	jsonb,
	pgPolicy,
	pgRole,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';

/** The role every request runs as: owns nothing, has no BYPASSRLS. Created by the first migration. */
export const appRole = pgRole('mtandao_app').existing();

export const TENANT_KINDS = ['platform', 'isp', 'reseller', 'site', 'brand'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

export const ROLES = ['platform_admin', 'tenant_admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

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
		index('audit_log_tenant_time_idx').on(t.tenantId, t.createdAt.desc()),
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

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
