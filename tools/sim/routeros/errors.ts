/**
 * How the simulated router fails: `!trap` errors and RouterOS's own wording for them.
 */

/** Trap categories from the API manual. */
export const TrapCategory = {
	missingItemOrCommand: 0,
	argumentValueFailure: 1,
	interrupted: 2,
	scripting: 3,
	general: 4,
	api: 5,
	tty: 6,
	returnValue: 7
} as const;

/** A failure the router reports as `!trap` (the connection stays usable). */
export class RouterError extends Error {
	constructor(
		message: string,
		readonly category?: number
	) {
		super(message);
		this.name = 'RouterError';
	}
}

/** RouterOS's own wording, kept in one place so tests and clients can match on it. */
export const Messages = {
	badLogin: 'invalid user name or password (6)',
	notLoggedIn: 'not logged in',
	quit: 'session terminated on request',
	noSuchCommand: 'no such command',
	/** RouterOS 7 names the first part of the path it does not know: `(wireless)`. */
	noSuchMenu: (part: string) => `no such command or directory (${part})`,
	noSuchItem: 'no such item',
	unknownParameter: 'unknown parameter',
	notEnoughPermissions: 'not enough permissions (9)',
	missingArgument: (name: string) => `missing value(s) of argument(s) ${name}`,
	noMatchingValue: (name: string) => `input does not match any value of ${name}`,
	invalidValue: (name: string) => `invalid value for argument ${name}`,
	outOfRange: (name: string, min: number, max: number) =>
		`value of ${name} out of range (${min}..${max})`,
	hotspotLoginRefused: 'invalid username or password',
	hotspotSessionLimit: (user: string) => `no more sessions are allowed for user ${user}`,
	hotspotWrongMac: (user: string) => `user ${user} is not allowed to log in from this MAC address`
} as const;
