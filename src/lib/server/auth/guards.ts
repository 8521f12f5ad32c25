/**
 * Role checks, called inside every load and action (not only in a layout: a layout's load does
 * not run again for every action or data request).
 */
import { redirect } from '@sveltejs/kit';
import type { Role } from '../db/schema';
import type { SessionUser } from './session';
import { notFound } from '../http/not-found';

export interface Signed {
	user: SessionUser;
	tenantId: string;
}

export function requireUser(locals: App.Locals, url?: URL): Signed {
	if (!locals.user || !locals.tenantId) {
		const next = url ? `?next=${encodeURIComponent(url.pathname + url.search)}` : '';
		redirect(303, `/login${next}`);
	}
	return { user: locals.user, tenantId: locals.tenantId };
}

export function requireRole(locals: App.Locals, roles: readonly Role[], url?: URL): Signed {
	const signed = requireUser(locals, url);
	// Not 403: a page a role may not open should not confirm that it exists.
	if (!roles.includes(signed.user.role)) notFound();
	return signed;
}

export const MANAGERS = ['tenant_admin', 'platform_admin'] as const satisfies readonly Role[];
export const STAFF = ['tenant_admin', 'platform_admin', 'agent'] as const satisfies readonly Role[];

export function homeFor(role: Role): string {
	if (role === 'platform_admin') return '/platform';
	if (role === 'agent') return '/agent';
	return '/manage';
}
