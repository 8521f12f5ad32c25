/**
 * What an error may say in the server log. Kenya's Data Protection Act covers subscribers' phone
 * numbers and names, and a log is read by more people than the database: so the log gets the kind
 * of error, its message with numbers, e-mail addresses, quoted values, query strings and callback
 * tokens blanked, the Postgres code and constraint, and the stack frames. Never a postgres.js
 * error's `query`, `parameters` or `detail` ("Key (phone)=(2547…) already exists"), and never
 * drizzle's "Failed query: … params: …" text, which repeats both.
 */

const MAX_MESSAGE = 300;
const MAX_FRAMES = 8;
const UUID = /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

/** Blanks what may identify a person or open a door; keeps enough to know what went wrong. */
export function scrubLogText(text: string): string {
	return (
		text
			.slice(0, MAX_MESSAGE)
			// Callback URLs carry the tenant's secret token in the path.
			.replace(/(\/hooks\/[a-z]+\/[0-9a-f-]{36}\/)[^/\s?#"']+/gi, '$1…')
			// Query strings (phone numbers, search terms, tokens) from any URL or path.
			.replace(/((?:https?:\/\/[^\s?#"']*|\/[^\s?#"']*))\?[^\s#"']*/g, '$1?…')
			.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<email>')
			// Values Postgres quotes back ("invalid input syntax for type uuid: \"…\"") and key=(value) pairs.
			.replace(/: "[^"]*"/g, ': "…"')
			.replace(/=\([^)]*\)/g, '=(…)')
			// Phone numbers, account and ID numbers: any run of 7 or more digits, spaces or dashes
			// allowed; our own ids (UUIDs) stay, they are what an operator looks up.
			.replace(/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|\+?\d(?:[\s-]?\d){6,}/gi, (found) =>
				UUID.test(found) ? found : '<number>'
			)
	);
}

interface PostgresLike {
	code?: unknown;
	severity?: unknown;
	constraint_name?: unknown;
	table_name?: unknown;
	column_name?: unknown;
}

function postgresSummary(error: PostgresLike): string {
	if (typeof error.code !== 'string' || !/^[0-9A-Z]{5}$/.test(error.code)) return '';
	const parts = [`code ${error.code}`];
	for (const key of ['constraint_name', 'table_name', 'column_name'] as const) {
		const value = error[key];
		if (typeof value === 'string' && /^[a-z0-9_]{1,63}$/.test(value))
			parts.push(`${key.replace('_name', '')} ${value}`);
	}
	return ` [${parts.join(', ')}]`;
}

/** The error as one safe block of text for the log. */
export function safeErrorText(error: unknown, depth = 0): string {
	if (!(error instanceof Error)) {
		if (typeof error === 'string') return scrubLogText(error);
		return `a thrown ${error === null ? 'null' : typeof error}`;
	}
	const cause =
		depth < 3 && error.cause !== undefined
			? `\n  caused by ${safeErrorText(error.cause, depth + 1)}`
			: '';
	// drizzle's wrapper: its message is the SQL and its parameters; the driver's error is the cause.
	if (/^Failed query:/.test(error.message)) return `${error.name}: a database query failed${cause}`;
	const frames = (error.stack ?? '')
		.split('\n')
		.filter((line) => /^\s+at /.test(line))
		.slice(0, MAX_FRAMES)
		.map((line) => `\n    ${scrubLogText(line.trim())}`)
		.join('');
	return `${error.name}: ${scrubLogText(error.message)}${postgresSummary(error as PostgresLike)}${frames}${cause}`;
}

/** A request's place for the log: method and path, never the query string. */
export function safeRequestLabel(method: string, url: URL): string {
	return `${method} ${scrubLogText(url.pathname)}`;
}

/** console.error with the error made safe: the one way server code logs an error. */
export function logError(context: string, error: unknown): void {
	console.error(`${context}: ${safeErrorText(error)}`);
}
