/**
 * Control characters (C0 and DEL) in text that came from outside: one definition for input checks,
 * log lines and one-line summaries. Browser-safe.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what this matches
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above, every run of them
const CONTROL_RUNS = /[\u0000-\u001f\u007f]+/g;

export function hasControlCharacters(text: string): boolean {
	return CONTROL.test(text);
}

/** Each run of control characters replaced (a space by default): one line, safe to log. */
export function withoutControlCharacters(text: string, replacement = ' '): string {
	return text.replace(CONTROL_RUNS, replacement);
}
