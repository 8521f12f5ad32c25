/**
 * `npm run admin -- <command>`: what an operator does from the server's shell, on the database the
 * app uses (DATABASE_URL, or the embedded one in DATA_DIR: stop the app first, it is one process's).
 *
 *   create-platform-admin --email <email> [--name <name>]   the first platform admin of an install
 *   reset-password --email <email> | --phone <phone>         a new password; every session ends
 *
 * The password is asked for without echo, or read from standard input when that is not a terminal
 * (`… < file`, a pipe). Never from the command line: that is visible in `ps` and kept in history.
 */
import { openConfiguredDatabase } from '../src/lib/server/db/configured';
import {
	AccountNotFound,
	AdminInputRefused,
	LoginTaken,
	checkNewPassword,
	createPlatformAdmin,
	normalizeEmail,
	resetPassword
} from '../src/lib/server/staff/platform-admins';

const USAGE = `Usage:
  npm run admin -- create-platform-admin --email <email> [--name <name>]
  npm run admin -- reset-password --email <email>
  npm run admin -- reset-password --phone <phone>
The password is asked for (hidden), or read from standard input when it is not a terminal.`;

class Cancelled extends Error {}

function fail(message: string, code = 1): never {
	console.error(message);
	process.exit(code);
}

function parseArgs(argv: string[]): { command: string | undefined; options: Map<string, string> } {
	const [command, ...rest] = argv;
	const options = new Map<string, string>();
	for (let i = 0; i < rest.length; i++) {
		const arg = rest[i]!;
		if (/^-(-?password|p)(=|$)/i.test(arg)) {
			fail(
				'A password on the command line shows in `ps` and stays in shell history, so it is not taken. Leave it out: you will be asked for it, or pipe it on standard input.',
				2
			);
		}
		const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
		if (!match) fail(`Unexpected argument: ${arg}\n${USAGE}`, 2);
		const value = match[2] ?? rest[++i];
		if (value === undefined) fail(`--${match[1]} needs a value\n${USAGE}`, 2);
		options.set(match[1]!, value);
	}
	return { command, options };
}

/** Typed without echo: raw mode, one character at a time. */
function askHidden(prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const stdin = process.stdin;
		process.stdout.write(prompt);
		stdin.setRawMode(true);
		stdin.setEncoding('utf8');
		stdin.resume();
		let value = '';
		const finish = () => {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
			process.stdout.write('\n');
		};
		const onData = (chunk: string) => {
			for (const ch of chunk) {
				if (ch === '\r' || ch === '\n' || ch === '\u0004') return (finish(), resolve(value));
				if (ch === '\u0003') return (finish(), reject(new Cancelled()));
				if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
				else value += ch;
			}
		};
		stdin.on('data', onData);
	});
}

/** The first line of standard input (a file or a pipe), without its line ending. */
async function readStdinLine(): Promise<string> {
	let text = '';
	for await (const chunk of process.stdin) {
		text += chunk;
		if (text.includes('\n') || text.length > 10_000) break;
	}
	return text.split(/\r?\n/)[0] ?? '';
}

async function readNewPassword(): Promise<string> {
	if (!process.stdin.isTTY) {
		const password = await readStdinLine();
		checkNewPassword(password);
		return password;
	}
	for (;;) {
		const password = await askHidden('New password: ');
		try {
			checkNewPassword(password);
		} catch (error) {
			if (!(error instanceof AdminInputRefused)) throw error;
			console.error(error.message);
			continue;
		}
		if ((await askHidden('Same password again: ')) === password) return password;
		console.error('The two did not match; once more.');
	}
}

async function main(): Promise<void> {
	const { command, options } = parseArgs(process.argv.slice(2));
	const email = options.get('email');
	const phone = options.get('phone');
	for (const name of options.keys())
		if (!['email', 'phone', 'name'].includes(name)) fail(`Unknown option --${name}\n${USAGE}`, 2);

	if (command === 'create-platform-admin') {
		if (!email || phone)
			fail(`create-platform-admin takes --email (a platform admin logs in by email)\n${USAGE}`, 2);
		normalizeEmail(email);
		const password = await readNewPassword();
		const db = await openConfiguredDatabase(2);
		try {
			const admin = await createPlatformAdmin({ email, name: options.get('name') }, password);
			console.log(`Platform admin ${admin.email} created; they can log in now.`);
		} finally {
			await db.close();
		}
		return;
	}
	if (command === 'reset-password') {
		if (Boolean(email) === Boolean(phone))
			fail(`reset-password takes one of --email or --phone\n${USAGE}`, 2);
		const password = await readNewPassword();
		const db = await openConfiguredDatabase(2);
		try {
			const result = await resetPassword(email ? { email } : { phone: phone! }, password);
			console.log(
				`Password changed for ${email ?? phone}; ${result.sessionsEnded} session(s) ended.`
			);
		} finally {
			await db.close();
		}
		return;
	}
	fail(command ? `Unknown command: ${command}\n${USAGE}` : USAGE, 2);
}

try {
	await main();
	process.exit(0);
} catch (error) {
	if (
		error instanceof AdminInputRefused ||
		error instanceof AccountNotFound ||
		error instanceof LoginTaken
	)
		fail(error.message);
	if (error instanceof Cancelled) fail('Cancelled; nothing changed.', 130);
	// Anything else (the database unreachable, a bad setting): one line, not a stack.
	fail(`npm run admin failed: ${error instanceof Error ? error.message : String(error)}`);
}
