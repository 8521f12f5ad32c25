import type { ActAsGrant, SessionUser, ValidSession } from '$lib/server/auth/session';

declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
		}
		interface Locals {
			user: SessionUser | null;
			session: ValidSession | null;
			/** The tenant whose data this request may touch; from the session, never from input. */
			tenantId: string | null;
			/** A platform admin's active "act as tenant" grant (hooks/act-as.ts). */
			actingAs: ActAsGrant | null;
			/** Origins this page's forms may post to beyond our own (the hotspot's login page); see http/content-security.ts. */
			formTargets?: string[];
		}
	}
}

export {};
