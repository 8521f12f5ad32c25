#!/usr/bin/env node
// `npm start`: build when the sources are newer than the build, then serve. The server migrates
// the database and seeds the demo on first run (src/lib/server/startup.ts).
import { execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'build', 'index.js');

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
	execSync('npx vite build', { cwd: root, stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, EXIT_WITH_PARENT: '1' } });
}

process.env.NODE_ENV ??= 'production';
process.chdir(root);

// The demo has no Safaricom and no MikroTik to talk to: it runs the simulators beside the app,
// and the demo tenants' routers and M-Pesa settings point at them.
const demo = process.env.SEED_DEMO !== 'no' && process.env.DEMO_SIMULATORS !== 'no';
const children = [];
if (demo) {
	process.env.DEMO_ROUTER_PORT ??= '18728';
	process.env.DEMO_MPESA_PORT ??= '18089';
	const tsx = ['--import', 'tsx'];
	const routerUsers = ['admin:', 'nyota:nyota-api-demo', 'kondele:kondele-api-demo', 'pwani:pwani-api-demo'].flatMap((u) => ['--router-user', u]);
	children.push(
		spawn(process.execPath, [...tsx, 'tools/sim/routeros/cli.ts', '--port', process.env.DEMO_ROUTER_PORT, ...routerUsers], { cwd: root, stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, EXIT_WITH_PARENT: '1' } }),
		spawn(process.execPath, [...tsx, 'tools/sim/daraja/cli.ts', '--port', process.env.DEMO_MPESA_PORT, '--any-shortcode', '--quiet'], { cwd: root, stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, EXIT_WITH_PARENT: '1' } })
	);
	process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));
}

// adapter-node takes a request it cannot place for https unless ORIGIN says otherwise, and then
// refuses every form post from the page it served (SvelteKit's cross-site check). Served straight
// from here, the address is plain http on this host and port.
const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : 'localhost';
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) process.env.ORIGIN = `http://${host}:${process.env.PORT ?? 3000}`;
const url = process.env.ORIGIN ?? `http://${host}:${process.env.PORT ?? 3000}`;

await import(stamp);
console.log(`\nMtandao is running at ${url}`);
if (process.env.SEED_DEMO !== 'no') {
	const { DEMO_LOGINS, DEMO_PASSWORD } = await import('../src/lib/server/demo/logins.js');
	console.log(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
	for (const { who, login } of DEMO_LOGINS) console.log(`  ${who.padEnd(36)} ${login}`);
}
if (demo) {
	console.log(`Simulated MikroTik (RouterOS API): 127.0.0.1:${process.env.DEMO_ROUTER_PORT}, login admin with an empty password`);
	console.log(`Simulated M-Pesa (Daraja): http://127.0.0.1:${process.env.DEMO_MPESA_PORT}`);
}
