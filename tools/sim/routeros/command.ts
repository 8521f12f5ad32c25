/**
 * Turns a received sentence into a command: `/ip/hotspot/user/add =name=x .tag=7 ?name=y`.
 */

export interface ApiCommand {
	/** The full command word, e.g. `/ip/hotspot/user/add`. */
	readonly path: string;
	/** The menu part, e.g. `/ip/hotspot/user` (empty for `/login`). */
	readonly menu: string;
	/** The last part, e.g. `add`. */
	readonly verb: string;
	/** `=name=value` words, `.id` and `.proplist` included. */
	readonly attributes: ReadonlyMap<string, string>;
	/** `?…` words without the question mark, in order: their order matters. */
	readonly queries: readonly string[];
	readonly tag: string | undefined;
}

export function parseCommand(words: readonly string[]): ApiCommand {
	const path = words[0] ?? '';
	const cut = path.lastIndexOf('/');
	const attributes = new Map<string, string>();
	const queries: string[] = [];
	let tag: string | undefined;

	for (let i = 1; i < words.length; i++) {
		const word = words[i] as string;
		if (word.startsWith('=')) {
			// `=name=value`: the value may itself contain `=`, and `=flag` alone means an empty value.
			const split = word.indexOf('=', 1);
			if (split === -1) attributes.set(word.slice(1), '');
			else attributes.set(word.slice(1, split), word.slice(split + 1));
		} else if (word.startsWith('?')) {
			queries.push(word.slice(1));
		} else if (word.startsWith('.tag=')) {
			tag = word.slice(5);
		}
		// Other API attributes are ignored, as RouterOS does.
	}

	return {
		path,
		menu: cut > 0 ? path.slice(0, cut) : '',
		verb: path.slice(cut + 1),
		attributes,
		queries,
		tag
	};
}
