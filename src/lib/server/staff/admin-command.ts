/**
 * What `npm run admin -- <command>` does (scripts/admin.ts runs it with the process's own standard
 * streams and exits with the code it returns), kept apart from the process so that tests can run
 * every refusal against their own database without starting a process each.
 *
 *   create-platform-admin --email <email> [--name <name>]   the first platform admin of an install
 *   reset-password --email <email> | --phone <phone>         a new password; every session ends
 *
 * The password is asked for without echo, or read from standard input when that is not a terminal
 * (`… < file`, a pipe). Never from the command line: that is visible in `ps` and kept in history.
 */
import type { Readable, Writable } from 'node:stream';
import {
	AccountNotFound,
	AdminInputRefused,
	LoginTaken,
	checkNewPassword,
	createPlatformAdmin,
	normalizeEmail,
	resetPassword
} from './platform-admins';

const USAGE = `Usage:
  npm run admin -- create-platform-admin --email <email> [--name <name>]
  npm run admin -- reset-password --email <email>
  npm run admin -- reset-password --phone <phone>
The password is asked for (hidden), or read from standard input when it is not a terminal.`;

export interface AdminIo {
	/** A terminal (isTTY, setRawMode) is asked without echo; anything else gives its first line. */
	stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
	stdout: Writable;
	stderr: Writable;
	/** Opens the configured database and sets it as current; called only once the input is good. */
	openDatabase: () => Promise<{ close(): Promise<void> }>;
}

class Cancelled extends Error {}

/** Ends the command with this exit code, its message on standard error. */
class Exit extends Error {
	constructor(
		message: string,
		readonly code: number
	) {
		super(message);
	}
}

function fail(message: string, code = 1): never {
	throw new Exit(message, code);
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
function askHidden(io: AdminIo, prompt: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const { stdin } = io;
		io.stdout.write(prompt);
		stdin.setRawMode?.(true);
		stdin.setEncoding('utf8');
		stdin.resume();
		let value = '';
		const finish = () => {
			stdin.off('data', onData);
			stdin.setRawMode?.(false);
			stdin.pause();
			io.stdout.write('\n');
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
async function readStdinLine(stdin: Readable): Promise<string> {
	let text = '';
	for await (const chunk of stdin) {
		text += chunk;
		if (text.includes('\n') || text.length > 10_000) break;
	}
	return text.split(/\r?\n/)[0] ?? '';
}

async function readNewPassword(io: AdminIo): Promise<string> {
	if (!io.stdin.isTTY) {
		const password = await readStdinLine(io.stdin);
		checkNewPassword(password);
		return password;
	}
	for (;;) {
		const password = await askHidden(io, 'New password: ');
		try {
			checkNewPassword(password);
		} catch (error) {
			if (!(error instanceof AdminInputRefused)) throw error;
			io.stderr.write(`${error.message}\n`);
			continue;
		}
		if ((await askHidden(io, 'Same password again: ')) === password) return password;
		io.stderr.write('The two did not match; once more.\n');
	}
}

async function run(argv: string[], io: AdminIo): Promise<void> {
	const { command, options } = parseArgs(argv);
	const email = options.get('email');
	const phone = options.get('phone');
	for (const name of options.keys())
		if (!['email', 'phone', 'name'].includes(name)) fail(`Unknown option --${name}\n${USAGE}`, 2);

	if (command === 'create-platform-admin') {
		if (!email || phone)
			fail(`create-platform-admin takes --email (a platform admin logs in by email)\n${USAGE}`, 2);
		normalizeEmail(email);
		const password = await readNewPassword(io);
		const db = await io.openDatabase();
		try {
			const admin = await createPlatformAdmin({ email, name: options.get('name') }, password);
			io.stdout.write(`Platform admin ${admin.email} created; they can log in now.\n`);
		} finally {
			await db.close();
		}
		return;
	}
	if (command === 'reset-password') {
		if (Boolean(email) === Boolean(phone))
			fail(`reset-password takes one of --email or --phone\n${USAGE}`, 2);
		const password = await readNewPassword(io);
		const db = await io.openDatabase();
		try {
			const result = await resetPassword(email ? { email } : { phone: phone! }, password);
			io.stdout.write(
				`Password changed for ${email ?? phone}; ${result.sessionsEnded} session(s) ended.\n`
			);
		} finally {
			await db.close();
		}
		return;
	}
	fail(command ? `Unknown command: ${command}\n${USAGE}` : USAGE, 2);
}

/** The message and exit code for what stopped a command. */
function failure(error: unknown): [message: string, code: number] {
	if (error instanceof Exit) return [error.message, error.code];
	if (
		error instanceof AdminInputRefused ||
		error instanceof AccountNotFound ||
		error instanceof LoginTaken
	)
		return [error.message, 1];
	if (error instanceof Cancelled) return ['Cancelled; nothing changed.', 130];
	// Anything else (the database unreachable, a bad setting): one line, not a stack.
	return [`npm run admin failed: ${error instanceof Error ? error.message : String(error)}`, 1];
}

/** Runs one command; returns the process's exit code (0 done, 1 refused or failed, 2 misused). */
export async function runAdminCommand(argv: string[], io: AdminIo): Promise<number> {
	try {
		await run(argv, io);
		return 0;
	} catch (error) {
		const [message, code] = failure(error);
		io.stderr.write(`${message}\n`);
		return code;
	}
}
