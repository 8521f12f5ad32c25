/** The one UUID pattern the app checks ids against (any version, either case); safe for the browser. */
const HEX = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A whole value that is a UUID, as a POSIX pattern for Postgres's `~*` too. */
export const UUID_PATTERN = `^${HEX}$`;

const WHOLE = new RegExp(UUID_PATTERN, 'i');

export function isUuid(value: string): boolean {
	return WHOLE.test(value);
}

/** Every UUID inside a text (for `replace`). */
export const UUIDS_IN_TEXT = new RegExp(HEX, 'gi');
