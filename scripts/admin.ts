/**
 * `npm run admin -- <command>`: what an operator does from the server's shell, on the database the
 * app uses (DATABASE_URL, or the embedded one in DATA_DIR: stop the app first, it is one process's).
 *
 *   create-platform-admin --email <email> [--name <name>]   the first platform admin of an install
 *   reset-password --email <email> | --phone <phone>         a new password; every session ends
 *
 * The password is asked for without echo, or read from standard input when that is not a terminal
 * (`… < file`, a pipe). Never from the command line: that is visible in `ps` and kept in history.
 * The commands are in src/lib/server/staff/admin-command.ts.
 */
import { openConfiguredDatabase } from '../src/lib/server/db/configured';
import { runAdminCommand } from '../src/lib/server/staff/admin-command';

const code = await runAdminCommand(process.argv.slice(2), {
	stdin: process.stdin,
	stdout: process.stdout,
	stderr: process.stderr,
	openDatabase: () => openConfiguredDatabase(2)
});
process.exit(code);
