/**
 * Runs the Daraja simulator on its own, for the demo and for end-to-end runs:
 *
 *   npx tsx tools/sim/daraja/cli.ts --port 8089 [--key K --secret S] [--callback-delay-ms 2000]
 *     [--token-ttl-ms 3599000] [--shortcode CODE:PASSKEY[:paybill|till[:TILL]]]... [--host 0.0.0.0]
 *     [--any-shortcode] [--quiet]
 *
 * Steer it over HTTP with the /simulate/* endpoints (see README.md).
 */
import { parseArgs } from 'node:util';
import type { ShortcodeConfig } from './merchants';
import { startDarajaSim } from './server';

function parseShortcode(spec: string): ShortcodeConfig {
	const [shortcode, passkey, type, tillNumber] = spec.split(':');
	if (!shortcode || !/^\d{5,7}$/.test(shortcode) || !passkey) {
		throw new Error(`--shortcode wants CODE:PASSKEY[:paybill|till[:TILL]], got "${spec}"`);
	}
	if (type !== undefined && type !== 'paybill' && type !== 'till') {
		throw new Error(`--shortcode type must be paybill or till, got "${type}"`);
	}
	return { shortcode, passkey, ...(type ? { type } : {}), ...(tillNumber ? { tillNumber } : {}) };
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
	if (value === undefined) return undefined;
	const number = Number(value);
	if (!Number.isSafeInteger(number) || number < 0)
		throw new Error(`--${name} wants a whole number, got "${value}"`);
	return number;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '8089' },
			host: { type: 'string', default: '127.0.0.1' },
			key: { type: 'string' },
			secret: { type: 'string' },
			'callback-delay-ms': { type: 'string' },
			'token-ttl-ms': { type: 'string' },
			shortcode: { type: 'string', multiple: true },
			'any-shortcode': { type: 'boolean', default: false },
			quiet: { type: 'boolean', default: false }
		}
	});
	const sim = await startDarajaSim({
		port: wholeNumber(values.port, 'port'),
		host: values.host,
		consumerKey: values.key,
		consumerSecret: values.secret,
		callbackDelayMs: wholeNumber(values['callback-delay-ms'], 'callback-delay-ms'),
		tokenTtlMs: wholeNumber(values['token-ttl-ms'], 'token-ttl-ms'),
		shortcodes: (values.shortcode ?? []).map(parseShortcode),
		acceptAnyShortcode: values['any-shortcode'],
		log: values.quiet ? undefined : (line) => console.log(`[daraja-sim] ${line}`)
	});
	console.log(`Daraja simulator listening on ${sim.url}`);
	console.log(`  shortcodes: ${sim.shortcodes.map((s) => s.shortcode).join(', ')}`);

	const stop = (): void => {
		void sim.close().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(`daraja-sim: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});

// Started by `npm start` for the demo: when the app goes (even killed), its stdin closes and so do we.
if (process.env.EXIT_WITH_PARENT === '1') {
	process.stdin.on('end', () => process.exit(0));
	process.stdin.resume();
}
