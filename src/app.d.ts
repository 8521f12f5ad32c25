import type { SessionUser, ValidSession } from '$lib/server/auth/session';

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
		}
	}
}

export {};
