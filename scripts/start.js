#!/usr/bin/env node
// `npm start`: build when the sources are newer than the build, then serve. The server migrates
// the database and, in demo mode, seeds the demo on first run (src/lib/server/startup.ts).
import { execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { modeOf, REFUSAL_PREFIX, startRefusal } from '../src/lib/server/modes.js';

// Refused before a build is spent on it; the server checks again (it can be started without us).
const refusal = startRefusal(process.env);
if (refusal) {
	console.error(`${REFUSAL_PREFIX} ${refusal}`);
	process.exit(1);
}
const mode = modeOf(process.env);

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'build', 'index.js');

/** @param {string} path @returns {number} */
function newest(path) {
	const info = statSync(path);
	if (!info.isDirectory()) return info.mtimeMs;
	let latest = info.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (entry === 'paraglide' || entry === 'node_modules') continue;
		latest = Math.max(latest, newest(join(path, entry)));
	}
	return latest;
}

const sources = ['src', 'static', 'messages', 'svelte.config.js', 'vite.config.ts', 'package.json']
	.map((p) => join(root, p))
	.filter(existsSync);
const needsBuild = !existsSync(stamp) || Math.max(...sources.map(newest)) > statSync(stamp).mtimeMs;
if (needsBuild) {
	console.log('Building Mtandao…');
	execSync('npx vite build', {
		cwd: root,
		stdio: ['pipe', 'inherit', 'inherit'],
		env: { ...process.env, EXIT_WITH_PARENT: '1' }
	});
}

process.env.NODE_ENV ??= 'production';
process.chdir(root);

// The demo has no Safaricom and no MikroTik to talk to: it runs the simulators beside the app,
// and the demo tenants' routers and M-Pesa settings point at them. Production never runs them.
const seeded = mode === 'demo' && process.env.SEED_DEMO !== 'no';
const simulators = seeded && process.env.DEMO_SIMULATORS !== 'no';
/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
if (simulators) {
	process.env.DEMO_ROUTER_PORT ??= '18728';
	process.env.DEMO_MPESA_PORT ??= '18089';
	const tsx = ['--import', 'tsx'];
	const routerUsers = [
		'admin:',
		'nyota:nyota-api-demo',
		'kondele:kondele-api-demo',
		'pwani:pwani-api-demo'
	].flatMap((u) => ['--router-user', u]);
	children.push(
		spawn(
			process.execPath,
			[...tsx, 'tools/sim/routeros/cli.ts', '--port', process.env.DEMO_ROUTER_PORT, ...routerUsers],
			{
				cwd: root,
				stdio: ['pipe', 'inherit', 'inherit'],
				env: { ...process.env, EXIT_WITH_PARENT: '1' }
			}
		),
		spawn(
			process.execPath,
			[
				...tsx,
				'tools/sim/daraja/cli.ts',
				'--port',
				process.env.DEMO_MPESA_PORT,
				'--any-shortcode',
				'--quiet'
			],
			{
				cwd: root,
				stdio: ['pipe', 'inherit', 'inherit'],
				env: { ...process.env, EXIT_WITH_PARENT: '1' }
			}
		)
	);
	process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));
}

// adapter-node takes a request it cannot place for https unless ORIGIN says otherwise, and then
// refuses every form post from the page it served (SvelteKit's cross-site check). Served straight
// from here, the demo's address is plain http on this host and port; production's is PUBLIC_URL.
const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : 'localhost';
const served =
	mode === 'production'
		? new URL(process.env.PUBLIC_URL ?? '').origin
		: `http://${host}:${process.env.PORT ?? 3000}`;
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) process.env.ORIGIN = served;
const url = process.env.ORIGIN ?? served;
// The demo answers this machine only unless HOST says otherwise.
if (mode === 'demo') process.env.HOST ??= '127.0.0.1';

await import(stamp);
console.log(`\nMtandao is running at ${url} (${mode} mode)`);
if (seeded) {
	const { DEMO_LOGINS, DEMO_PASSWORD } = await import('../src/lib/server/demo/logins.js');
	console.log(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
	for (const { who, login } of DEMO_LOGINS) console.log(`  ${who.padEnd(36)} ${login}`);
}
if (simulators) {
	console.log(
		`Simulated MikroTik (RouterOS API): 127.0.0.1:${process.env.DEMO_ROUTER_PORT}, login admin with an empty password`
	);
	console.log(`Simulated M-Pesa (Daraja): http://127.0.0.1:${process.env.DEMO_MPESA_PORT}`);
}
