/**
 * Asks the subscriber's router, live, whether the user is there and enabled. Never throws: a
 * router that is down is an answer the manager needs to see, not an error page.
 */
import type { Router, ServiceKind } from '../db/schema';
import { routerTarget } from './routers';
import { withRouter } from './routeros/client';
import { findByName, routerBoolean } from './routeros/menus';
import { MENUS } from './routeros/operations';
import { routerErrorMessage } from './router-failure-messages';

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
