/**
 * Asks the subscriber's router, live, whether the user is there and enabled. Never throws: a
 * router that is down is an answer the manager needs to see, not an error page.
 */
import type { Router, ServiceKind } from '$lib/server/db/schema';
import { routerTarget } from '$lib/server/network/routers';
import { withRouter } from '$lib/server/network/routeros/client';
import { findByName, routerBoolean } from '$lib/server/network/routeros/menus';
import { MENUS } from '$lib/server/network/routeros/operations';
import { routerErrorMessage } from '../../routers/router-error';

export type RouterState =
	| { state: 'none' }
	| { state: 'enabled' | 'disabled'; profile: string | null }
	| { state: 'missing' }
	| { state: 'error'; reason: string };

export async function routerStateOf(
	router: Router | undefined,
	subscriber: { kind: ServiceKind; routerUsername: string }
): Promise<RouterState> {
	if (!router) return { state: 'none' };
	try {
		// A lookup by name on the shared connection: cheap even on a router with thousands of users.
		const user = await withRouter(routerTarget(router), (api) =>
			findByName(api, MENUS[subscriber.kind].users, subscriber.routerUsername, [
				'disabled',
				'profile'
			])
		);
		if (!user) return { state: 'missing' };
		return {
			state: routerBoolean(user.disabled) ? 'disabled' : 'enabled',
			profile: user.profile ?? null
		};
	} catch (error) {
		return { state: 'error', reason: routerErrorMessage(error) };
	}
}
