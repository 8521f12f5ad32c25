/**
 * `npm run bench`: quick figures for DESIGN.md §10, printed as a table and written as JSON to
 * BENCH_OUT (default bench-results.json). Each figure is measured in this run, with its ceiling
 * beside it where DESIGN asks for one.
 */
import { writeFileSync } from 'node:fs';
import { benchProvisioning } from './provision';
import { benchSubscriberList } from './subscribers';
import { benchPayments } from './payments';

// The simulated routers listen on loopback, which a router may only be on when listed here.
process.env.ROUTER_NETWORKS ||= '127.0.0.0/8,::1/128';
// Likewise the simulated Daraja: a custom base URL only where the server configuration allows it.
process.env.MPESA_BASE_URLS ||= 'http://127.0.0.1:*';

const results: Record<string, number> = {};
const targets: Record<string, string> = {
	pg_insert_commits_per_s: '(ceiling)',
	stk_callbacks_per_s: '>= 1000',
	stk_callback_ratio: '>= 0.5',
	stk_callbacks_http_per_s: '',
	stk_duplicates_credited: '= 0',
	payment_to_router_p95_ms: '< 2000',
	pg_insert_commit_cpu_us: '(per insert)',
	stk_callback_cpu_us: '(per callback)',
	stk_callback_cpu_ratio: '',
	provision_users_per_s: '>= 2000',
	sim_router_commands_per_s: '(ceiling)',
	subscriber_list_first_page_p95_ms: '< 150',
	subscriber_list_name_search_p95_ms: '< 150',
	subscriber_list_phone_search_p95_ms: '< 150',
	subscriber_list_status_filter_p95_ms: '< 150',
	subscriber_list_deep_page_p95_ms: '< 150'
};

Object.assign(results, await benchPayments());
Object.assign(results, await benchProvisioning());
Object.assign(results, await benchSubscriberList());

const out = process.env.BENCH_OUT ?? 'bench-results.json';
writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log('\nkey                              value        target');
for (const [key, value] of Object.entries(results)) {
	console.log(
		`${key.padEnd(32)} ${String(Math.round(value * 100) / 100).padStart(10)}   ${targets[key] ?? ''}`
	);
}
console.log(`\nwritten to ${out}`);
process.exit(0);
