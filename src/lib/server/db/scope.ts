/**
 * The one way to touch tenant data: a short transaction that runs as mtandao_app with a signed scope.
 *
 * `set_config(..., true)` is transaction-local, so nothing leaks to the next request on a pooled
 * connection. The role switch matters on PGlite (a superuser, which skips RLS even when FORCED) and
 * is harmless on Postgres, where the pool already logs in as the app role.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { database, executeNamed } from './index';
import type { AppDb } from './client';

export type Tx = Parameters<Parameters<AppDb['transaction']>[0]>[0];

export type Scope =
	| { tenantId: string }
	| { login: string }
	| { session: string }
	| { invite: string }
	| { reset: string };

export interface ScopeOptions {
	/** The transaction refuses every write (platform drill-down is read-only). */
	readOnly?: boolean;
}

export function scopeClaim(scope: Scope): string {
	if ('tenantId' in scope) return `tenant:${scope.tenantId}`;
	if ('login' in scope) return `login:${scope.login}`;
	if ('session' in scope) return `session:${scope.session}`;
	if ('invite' in scope) return `invite:${scope.invite}`;
	return `reset:${scope.reset}`;
}

/** How long a signed request for a scope stays good (the database accepts up to 300 s ahead). */
const SCOPE_SIGNATURE_SECONDS = 120;

/**
 * The app's request for a scope: an HMAC over the claim and an expiry. `app_enter_scope` checks it
 * and keeps, for the current transaction only, a signature bound to that transaction
 * (drizzle/0021_scope_hmac_bound_to_transaction.sql); what a request can read back opens nothing
 * in another transaction.
 */
export function signScope(
	claim: string,
	key: string,
	expires = Math.floor(Date.now() / 1000) + SCOPE_SIGNATURE_SECONDS
): { expires: number; signature: string } {
	return {
		expires,
		signature: createHmac('sha256', key).update(`enter|${expires}|${claim}`, 'utf8').digest('hex')
	};
}

/** What to do once the transaction of the innermost `withScope` running this code has committed. */
const commitHooks = new AsyncLocalStorage<(() => void)[]>();

/**
 * Runs `hook` once the transaction this code runs in (the innermost `withScope`, `withTenant` or
 * `withTenantPipelined`) has committed, and never if it rolls back. A savepoint's hooks wait for
 * the whole transaction; one that is rolled back on its own still runs them, so a hook must be
 * harmless when nothing happened. Outside a transaction, `hook` runs now.
 */
export function afterCommit(hook: () => void): void {
	const hooks = commitHooks.getStore();
	if (hooks) hooks.push(hook);
	else hook();
}

/** Runs `transaction`, then (once it has committed) the hooks its statements registered. */
async function withCommitHooks<T>(transaction: () => Promise<T>): Promise<T> {
	const hooks: (() => void)[] = [];
	const result = await commitHooks.run(hooks, transaction);
	for (const hook of hooks) {
		try {
			hook();
		} catch (error) {
			// Committed already: the caller gets its result whatever a hook does.
			console.error('[db] an after-commit hook failed', error);
		}
	}
	return result;
}

export function withScope<T>(
	scope: Scope,
	fn: (tx: Tx) => Promise<T>,
	options: ScopeOptions = {}
): Promise<T> {
	const { db } = database();
	return withCommitHooks(() =>
		db.transaction(
			async (tx) => {
				// Not awaited before fn runs: a transaction's statements go out in the order they are made,
				// so the scope is set before fn's first statement without waiting a round trip for its answer.
				// If it fails, fn's statements fail after it (the transaction is aborted) and it is the error.
				const [, result] = await Promise.all([setScope(tx, scope), fn(tx)]);
				return result;
			},
			options.readOnly ? { accessMode: 'read only' } : undefined
		)
	);
}

function setScope(tx: Tx, scope: Scope): Promise<unknown> {
	const claim = scopeClaim(scope);
	const { expires, signature } = signScope(claim, database().scopeKey);
	// The role first: app_enter_scope then runs as its owner and sets the scope for mtandao_app.
	return executeNamed(
		tx,
		'app_enter_scope',
		sql`select
		set_config('role', 'mtandao_app', true),
		app_enter_scope(${claim}, ${expires}::bigint, ${signature})`
	);
}

/**
 * `withTenant` for the hottest path (a burst of M-Pesa callbacks), where each round trip counts: on
 * Postgres, BEGIN goes out together with the scope and fn's first statements, and fn may send the
 * COMMIT together with its last ones by calling `commit()` right after making them, in the same
 * turn of the event loop (it then sends nothing more). If fn does not, the COMMIT follows fn.
 * Either way this resolves only once the transaction has committed, and rejects (having rolled
 * back) if any statement failed. On PGlite, which has no connection to reserve, it is `withTenant`
 * and `commit` does nothing.
 */
export async function withTenantPipelined<T>(
	tenantId: string,
	fn: (tx: Tx, commit: () => Promise<void>) => Promise<T>
): Promise<T> {
	const { reserve } = database();
	if (!reserve) return withTenant(tenantId, (tx) => fn(tx, () => Promise.resolve()));
	return withCommitHooks(() => pipelined(reserve, tenantId, fn));
}

async function pipelined<T>(
	reserve: NonNullable<ReturnType<typeof database>['reserve']>,
	tenantId: string,
	fn: (tx: Tx, commit: () => Promise<void>) => Promise<T>
): Promise<T> {
	const { tx, release } = await reserve();
	let ending: Promise<unknown> | undefined;
	const commit = async () => {
		// Sent on the next turn of the event loop: a statement goes out a few microtasks after it is
		// made (how many depends on how it was made), so by then every statement made before
		// commit() has gone out ahead of it.
		const answer = await (ending ??= new Promise((resolve) => setImmediate(resolve)).then(() =>
			executeNamed(tx, 'pipelined_commit', sql`commit`)
		));
		// A transaction with a failed statement answers COMMIT with ROLLBACK.
		if ((answer as { command?: string }).command !== 'COMMIT')
			throw new Error('The transaction was rolled back');
	};
	try {
		const begun = executeNamed(tx, 'pipelined_begin', sql`begin`);
		// Every part is waited for, so nothing of fn's is still on its way when the connection goes back.
		// The first failure is the cause: the statements after it fail only because it did.
		const [began, scoped, done] = await Promise.allSettled([
			begun,
			setScope(tx, { tenantId }),
			fn(tx, commit)
		]);
		for (const part of [began, scoped, done]) if (part.status === 'rejected') throw part.reason;
		await commit();
		return (done as PromiseFulfilledResult<T>).value;
	} catch (error) {
		// Statements may still be on their way; what follows them ends the transaction either way.
		await (ending ?? executeNamed(tx, 'pipelined_rollback', sql`rollback`)).catch(() => {});
		throw error;
	} finally {
		release();
	}
}

/** Tenant data as seen from `tenantId`: that tenant and its descendants. */
export function withTenant<T>(
	tenantId: string,
	fn: (tx: Tx) => Promise<T>,
	options: ScopeOptions = {}
): Promise<T> {
	return withScope({ tenantId }, fn, options);
}
