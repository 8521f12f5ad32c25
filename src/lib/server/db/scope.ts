/**
 * The one way to touch tenant data: a short transaction that runs as mtandao_app with a signed scope.
 *
 * `set_config(..., true)` is transaction-local, so nothing leaks to the next request on a pooled
 * connection. The role switch matters on PGlite (a superuser, which skips RLS even when FORCED) and
 * is harmless on Postgres, where the pool already logs in as the app role.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { database, executeNamed } from './index';
import type { AppDb } from './client';

export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0];

export type Scope =
	| { tenantId: string }
	| { login: string }
	| { session: string }
	| { invite: string };

export interface ScopeOptions {
	/** The transaction refuses every write (platform drill-down is read-only). */
	readOnly?: boolean;
}

export function scopeClaim(scope: Scope): string {
	if ('tenantId' in scope) return `tenant:${scope.tenantId}`;
	if ('login' in scope) return `login:${scope.login}`;
	if ('session' in scope) return `session:${scope.session}`;
	return `invite:${scope.invite}`;
}

export function signScope(claim: string, key: string): string {
	return createHash('sha256').update(`${key}|${claim}`, 'utf8').digest('hex');
}

export async function withScope<T>(scope: Scope, fn: (tx: Tx) => Promise<T>, options: ScopeOptions = {}): Promise<T> {
	const { db, scopeKey } = database();
	const claim = scopeClaim(scope);
	return db.transaction(
		async (tx) => {
			// Not awaited before fn runs: a transaction's statements go out in the order they are made,
			// so the scope is set before fn's first statement without waiting a round trip for its answer.
			// If it fails, fn's statements fail after it (the transaction is aborted) and it is the error.
			const scoped = executeNamed(tx, 'app_scope', sql`select
				set_config('role', 'mtandao_app', true),
				set_config('app.scope', ${claim}, true),
				set_config('app.scope_sig', ${signScope(claim, scopeKey)}, true)`);
			const [, result] = await Promise.all([scoped, fn(tx)]);
			return result;
		},
		options.readOnly ? { accessMode: 'read only' } : undefined
	);
}

/** Tenant data as seen from `tenantId`: that tenant and its descendants. */
export function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, options: ScopeOptions = {}): Promise<T> {
	return withScope({ tenantId }, fn, options);
}
