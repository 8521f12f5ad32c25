/**
 * `npm run bench`: quick figures for DESIGN.md §10, printed as a table and written as JSON to
 * BENCH_OUT (default bench-results.json). Each figure is measured in this run, with its ceiling
 * beside it where DESIGN asks for one. `npm run bench -- agent payments` runs only the parts named
 * (payments, provisioning, subscribers, agent).
 */
import { benchProvisioning } from './provision';
import { benchSubscriberList } from './subscribers';
import { benchPayments } from './payments';
import { launchChromium, startDemo } from './demo';
import { benchAgentJs } from './agent-js';
import { benchOutboxSync } from './outbox-sync';
import { writeResults } from './results';

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
	subscriber_list_deep_page_p95_ms: '< 150',
	agent_js_gzip_kb: '< 100',
	agent_js_files: '',
	service_worker_js_gzip_kb: '(once)',
	precache_gzip_kb: '(first install)',
	outbox_sync_500_s: '< 15',
	outbox_duplicates: '= 0',
	outbox_lost: '= 0'
};

/** The agent's phone: one demo server and one Chromium for both figures. */
async function benchAgentPhone(): Promise<Record<string, number>> {
	const demo = await startDemo();
	const browser = await launchChromium();
	try {
		return { ...(await benchAgentJs(demo, browser)), ...(await benchOutboxSync(demo, browser)) };
	} finally {
		await browser.close();
		await demo.stop();
	}
}

const parts: Record<string, () => Promise<Record<string, number>>> = {
	payments: async () => ({ ...(await benchPayments()) }),
	provisioning: async () => ({ ...(await benchProvisioning()) }),
	subscribers: benchSubscriberList,
	agent: benchAgentPhone
};
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in parts));
if (unknown.length) {
	console.error(
		`Unknown bench part: ${unknown.join(', ')} (parts: ${Object.keys(parts).join(', ')})`
	);
	process.exit(2);
}
for (const [name, bench] of Object.entries(parts))
	if (!chosen.length || chosen.includes(name)) Object.assign(results, await bench());

writeResults(results, targets);
process.exit(0);
