// Demo or production, decided from the environment alone. Plain JavaScript so that scripts/start.js
// can decide before anything is built; the server reads the same rules through config.ts.
//
// Demo: demo seed, simulators, a DEMO banner, loopback routers allowed, loopback listening.
// Production: none of that, ever; PUBLIC_URL (https) required.

/** @typedef {'demo' | 'production'} Mode */

/**
 * Production is any start with DATABASE_URL, or MTANDAO_MODE=production. SEED_DEMO=yes on
 * Postgres is the one way back to demo there (CI and e2e runs).
 * @param {{ MTANDAO_MODE?: string; DATABASE_URL?: string; SEED_DEMO?: string }} env
 * @returns {Mode}
 */
export function modeOf(env) {
	if (env.MTANDAO_MODE === 'demo' || env.MTANDAO_MODE === 'production') return env.MTANDAO_MODE;
	if (env.SEED_DEMO === 'yes') return 'demo';
	return env.DATABASE_URL ? 'production' : 'demo';
}

/**
 * Why this environment must not start, in one line for the operator, or null when it may.
 * @param {{ MTANDAO_MODE?: string; DATABASE_URL?: string; SEED_DEMO?: string; PUBLIC_URL?: string }} env
 * @returns {string | null}
 */
export function startRefusal(env) {
	if (modeOf(env) !== 'production') return null;
	if (env.SEED_DEMO === 'yes')
		return 'SEED_DEMO=yes is for demo and test runs; it cannot be combined with MTANDAO_MODE=production';
	if (!env.PUBLIC_URL)
		return 'PUBLIC_URL is required in production (the https address Safaricom and your customers reach this app at, e.g. PUBLIC_URL=https://billing.example.co.ke)';
	let url;
	try {
		url = new URL(env.PUBLIC_URL);
	} catch {
		return 'PUBLIC_URL is not a valid URL (expected e.g. PUBLIC_URL=https://billing.example.co.ke)';
	}
	if (url.protocol !== 'https:')
		return 'PUBLIC_URL must be an https address in production (Safaricom calls back only over https)';
	return null;
}

/** What start-up prints before the reason it refuses. */
export const REFUSAL_PREFIX = 'Mtandao will not start:';
