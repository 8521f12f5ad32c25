/**
 * Turns RouterOS console commands into API sentences, enough to apply generated scripts
 * (the onboarding script) through the API in tests and demos:
 *
 *   /ip hotspot walled-garden add dst-host=x action=allow
 *     → /ip/hotspot/walled-garden/add =dst-host=x =action=allow
 *   /ip service set [find name=api] port=8728
 *     → print ?name=api for the ids, then /ip/service/set =.id=... =port=8728
 *
 * Not a RouterOS script interpreter: no variables, :if, :do or nested commands beyond
 * `[find k=v ...]`.
 */

export interface ApiSentence {
	/** The full command, e.g. `/ip/service/set`. */
	command: string;
	/** `=name=value` words (and `=numbers=` for a bare argument). */
	words: string[];
	/** Items picked with `[find ...]`: print the menu with these queries, then pass their ids. */
	find?: { menu: string; queries: string[] };
}

const VERBS = new Set([
	'add',
	'set',
	'remove',
	'print',
	'enable',
	'disable',
	'sign',
	'unset',
	'export',
	'login'
]);

/** The API sentences of a script, skipping comments and blank lines. */
export function scriptToApi(script: string): ApiSentence[] {
	return script
		.split('\n')
		.map((line) => cliToApi(line))
		.filter((sentence): sentence is ApiSentence => sentence !== undefined);
}

export function cliToApi(line: string): ApiSentence | undefined {
	const trimmed = line.trim();
	if (trimmed === '' || trimmed.startsWith('#')) return undefined;
	if (!trimmed.startsWith('/'))
		throw new SyntaxError(`not an absolute console command: ${trimmed}`);
	const tokens = tokenize(trimmed);
	const verbAt = tokens.findIndex((token, i) => i > 0 && VERBS.has(token));
	if (verbAt === -1) throw new SyntaxError(`no command verb in: ${trimmed}`);
	const menu = tokens
		.slice(0, verbAt)
		.join(' ')
		.split(/[\s/]+/)
		.filter(Boolean)
		.map((part) => `/${part}`)
		.join('');
	const sentence: ApiSentence = { command: `${menu}/${tokens[verbAt]}`, words: [] };
	for (const token of tokens.slice(verbAt + 1)) {
		if (token.startsWith('[')) {
			sentence.find = { menu, queries: findQueries(token) };
		} else if (token.includes('=')) {
			const [name, raw] = splitPair(token);
			sentence.words.push(`=${name}=${unquote(raw)}`);
		} else {
			sentence.words.push(`=numbers=${unquote(token)}`);
		}
	}
	return sentence;
}

/** Splits on spaces outside "quotes" and [brackets]. */
function tokenize(line: string): string[] {
	const tokens: string[] = [];
	let current = '';
	let quoted = false;
	let depth = 0;
	for (let i = 0; i < line.length; i++) {
		const c = line[i] as string;
		if (quoted && c === '\\') {
			current += c + (line[++i] ?? '');
			continue;
		}
		if (c === '"') quoted = !quoted;
		else if (!quoted && c === '[') depth++;
		else if (!quoted && c === ']') depth--;
		if (/\s/.test(c) && !quoted && depth === 0) {
			if (current) tokens.push(current);
			current = '';
		} else {
			current += c;
		}
	}
	if (quoted || depth !== 0) throw new SyntaxError(`unbalanced quotes or brackets: ${line}`);
	if (current) tokens.push(current);
	return tokens;
}

function findQueries(token: string): string[] {
	const inner = tokenize(token.slice(1, -1).trim());
	if (inner[0] !== 'find') throw new SyntaxError(`only [find ...] is supported: ${token}`);
	return inner.slice(1).map((condition) => {
		const [name, raw] = splitPair(condition);
		return `?${name}=${unquote(raw)}`;
	});
}

function splitPair(token: string): [string, string] {
	const at = token.indexOf('=');
	return [token.slice(0, at), token.slice(at + 1)];
}

function unquote(raw: string): string {
	if (!raw.startsWith('"')) return raw;
	return raw.slice(1, -1).replace(/\\(.)/g, '$1');
}
