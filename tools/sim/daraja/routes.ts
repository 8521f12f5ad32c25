/** The Daraja API surface: one entry per real endpoint, guarded by the OAuth token like the gateway. */
import type { C2bService } from './c2b';
import type { TokenStore } from './oauth';
import type { StkService } from './stk';

export interface RouteRequest {
	body: Record<string, unknown>;
	query: URLSearchParams;
	authorization: string | undefined;
}

export interface RouteAnswer {
	status: number;
	body: unknown;
}

export interface Route {
	method: 'GET' | 'POST';
	path: string;
	/** Needs `Authorization: Bearer <token>`. */
	bearer: boolean;
	/** Simulator-only endpoints: no Daraja error shapes, no injected faults. */
	control?: boolean;
	handle(request: RouteRequest): RouteAnswer | Promise<RouteAnswer>;
}

const ok = (body: unknown): RouteAnswer => ({ status: 200, body });

export function darajaRoutes(tokens: TokenStore, stk: StkService, c2b: C2bService): Route[] {
	const register = (request: RouteRequest): RouteAnswer => ok(c2b.register(request.body));
	return [
		{
			method: 'GET',
			path: '/oauth/v1/generate',
			bearer: false,
			handle: (request) => ok(tokens.issue(request.query.get('grant_type'), request.authorization))
		},
		{
			method: 'POST',
			path: '/mpesa/stkpush/v1/processrequest',
			bearer: true,
			handle: (request) => ok(stk.push(request.body))
		},
		{
			method: 'POST',
			path: '/mpesa/stkpushquery/v1/query',
			bearer: true,
			handle: (request) => ok(stk.query(request.body))
		},
		{ method: 'POST', path: '/mpesa/c2b/v1/registerurl', bearer: true, handle: register },
		// Some client libraries use v2; Safaricom answers both the same way (PROTOCOLS.md: unconfirmed).
		{ method: 'POST', path: '/mpesa/c2b/v2/registerurl', bearer: true, handle: register },
		{
			method: 'POST',
			path: '/mpesa/c2b/v1/simulate',
			bearer: true,
			handle: (request) => ok(c2b.simulate(request.body))
		}
	];
}
