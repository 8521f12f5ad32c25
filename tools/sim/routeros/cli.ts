/**
 * Runs the RouterOS API simulator on its own, for the demo and for poking at it by hand:
 *
 *   npx tsx tools/sim/routeros/cli.ts --port 8728 [--host 0.0.0.0] [--user admin --password '']
 *     [--identity Kibera-HQ] [--empty-replies] [--delay-ms 200]
 *     [--router-user alice:secret --router-user bob:secret]   (one router per login name)
 *     [--tls-key key.pem --tls-cert cert.pem]                    (api-ssl)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startRouterSim, type UserRouterOptions } from './server';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '8728' },
		host: { type: 'string', default: '127.0.0.1' },
		user: { type: 'string', default: 'admin' },
		password: { type: 'string', default: '' },
		identity: { type: 'string' },
		version: { type: 'string' },
		'empty-replies': { type: 'boolean', default: false },
		'delay-ms': { type: 'string', default: '0' },
		'router-user': { type: 'string', multiple: true },
		'tls-key': { type: 'string' },
		'tls-cert': { type: 'string' },
		help: { type: 'boolean', short: 'h', default: false }
	}
});

if (values.help) {
	// The usage is the comment at the top of this file.
	const header = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0] ?? '';
	console.log(
		header
			.replace(/^\/\*\*\n/, '')
			.replace(/^ \* ?/gm, '')
			.trim()
	);
	process.exit(0);
}

const routersByUser: Record<string, UserRouterOptions> = {};
for (const entry of values['router-user'] ?? []) {
	const split = entry.indexOf(':');
	const name = split === -1 ? entry : entry.slice(0, split);
	routersByUser[name] = { password: split === -1 ? '' : entry.slice(split + 1), identity: name };
}

if ((values['tls-key'] === undefined) !== (values['tls-cert'] === undefined)) {
	console.error('--tls-key and --tls-cert go together');
	process.exit(2);
}

const sim = await startRouterSim({
	host: values.host,
	port: Number(values.port),
	identity: values.identity,
	version: values.version,
	users: [{ name: values.user, password: values.password }],
	emptyReplies: values['empty-replies'],
	routersByUser,
	tls:
		values['tls-key'] && values['tls-cert']
			? { key: readFileSync(values['tls-key']), cert: readFileSync(values['tls-cert']) }
			: undefined
}).catch((error: unknown) => {
	console.error(`cannot listen on ${values.host}:${values.port}: ${String(error)}`);
	process.exit(1);
});
sim.faults.replyDelayMs = Number(values['delay-ms']);

const logins = Object.keys(routersByUser).length
	? Object.entries(routersByUser).map(([name, r]) => `${name}/${r.password ? '***' : "''"}`)
	: [`${values.user}/${values.password ? '***' : "''"}`];
console.log(
	`RouterOS API simulator (${sim.router.version}${sim.faults.emptyReplies ? ', !empty replies' : ''}) ` +
		`listening on ${sim.tls ? 'api-ssl ' : ''}${sim.host}:${sim.port}; logins: ${logins.join(', ')}`
);

const stop = async () => {
	await sim.close();
	process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

// Started by `npm start` for the demo: when the app goes (even killed), its stdin closes and so do we.
if (process.env.EXIT_WITH_PARENT === '1') {
	process.stdin.on('end', () => process.exit(0));
	process.stdin.resume();
}
