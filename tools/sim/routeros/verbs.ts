/**
 * The generic commands list menus share: add, set, unset, remove, print (and getall), enable,
 * disable, comment, move and reset-counters. Each returns the reply sentences, tags left to the
 * session.
 */
import type { ApiCommand } from './command';
import { Messages, RouterError } from './errors';
import { compileQuery, keyLookup, type QueryValueReader } from './query';
import type { GenericVerb, Row, Table } from './table';

export type Sentence = string[];

/** What a verb needs from the router beyond its own table. */
export interface VerbContext {
	readonly now: number;
	/** The logged-in API user, when there is one (a scheduler entry's owner). */
	readonly user?: string;
	/** RouterOS 7.18+ answers a print that finds nothing with `!empty` before `!done`. */
	readonly emptyReplies: boolean;
	table(path: string): Table | undefined;
	/** Items refer to each other by name; renaming one must follow through, as RouterOS does. */
	renameReferences(menu: string, from: string, to: string): void;
}

export function runVerb(
	verb: GenericVerb,
	table: Table,
	command: ApiCommand,
	context: VerbContext
): Sentence[] {
	switch (verb) {
		case 'print':
			return printRows(
				printableRows(table, command.queries, context.now),
				command,
				context,
				(name, value) => typedQueryValue(table, name, value)
			);
		case 'add':
			return add(table, command, context);
		case 'set':
			return set(table, command, context);
		case 'unset':
			return unset(table, command);
		case 'remove':
			return remove(table, command);
		case 'enable':
		case 'disable':
			for (const id of targets(table, command)) {
				table.update(id, { disabled: verb === 'disable' ? 'true' : 'false' });
			}
			return [['!done']];
		case 'comment': {
			const ids = targets(table, command);
			const comment = command.attributes.get('comment') ?? '';
			for (const id of ids) table.update(id, { comment });
			return [['!done']];
		}
		case 'move': {
			const ids = targets(table, command);
			const destination = command.attributes.get('destination');
			table.move(ids, destination ? table.resolve(destination) : undefined);
			return [['!done']];
		}
		case 'reset-counters': {
			const zero: Row = {};
			for (const name of table.spec.counters ?? [])
				zero[name] = table.spec.fields[name]?.default ?? '0';
			for (const id of targets(table, command)) table.update(id, zero);
			return [['!done']];
		}
	}
}

/** `print` for any list of rows: queries, `.proplist`, `count-only` and `!empty`. */
export function printRows(
	rows: Iterable<Row>,
	command: ApiCommand,
	context: Pick<VerbContext, 'emptyReplies'>,
	readValue?: QueryValueReader
): Sentence[] {
	const matches = compileQuery(command.queries, readValue);
	const proplist = command.attributes.get('.proplist')?.split(',').filter(Boolean);
	const countOnly = command.attributes.has('count-only');
	const replies: Sentence[] = [];
	let count = 0;
	for (const row of rows) {
		if (!matches(row)) continue;
		count++;
		if (!countOnly) replies.push(rowSentence(row, proplist));
	}
	if (countOnly) return [['!done', `=ret=${count}`]];
	if (count === 0 && context.emptyReplies) replies.push(['!empty']);
	replies.push(['!done']);
	return replies;
}

/** A query value in the form the field is stored in, when the field has a type and it parses. */
function typedQueryValue(table: Table, name: string, value: string): string | undefined {
	const normalize = table.spec.fields[name]?.normalize;
	if (!normalize || value === '') return undefined;
	try {
		return normalize(value, name);
	} catch {
		return undefined;
	}
}

function* printableRows(table: Table, queries: readonly string[], now: number): Iterable<Row> {
	// The app looks items up by name all the time: answer `?name=x` from the index.
	const key = keyLookup(queries, table.spec.key);
	if (key !== undefined) {
		const id = table.idOfKey(key);
		const row = id === undefined ? undefined : table.get(id);
		if (id !== undefined && row) yield table.printable(id, row, now);
		return;
	}
	for (const [id, row] of table.entries()) yield table.printable(id, row, now);
}

function rowSentence(row: Row, proplist: readonly string[] | undefined): Sentence {
	const sentence: Sentence = ['!re'];
	if (proplist) {
		for (const name of proplist) {
			const value = row[name];
			if (value !== undefined) sentence.push(`=${name}=${value}`);
		}
	} else {
		for (const name in row) sentence.push(`=${name}=${row[name]}`);
	}
	return sentence;
}

/** Attributes that steer a command rather than set a field. */
const ADD_OPTIONS = new Set(['copy-from', 'place-before']);

function add(table: Table, command: ApiCommand, context: VerbContext): Sentence[] {
	const spec = table.spec;
	const values = { ...table.defaults(), ...spec.dynamicDefaults?.(context.now, context.user) };
	const copyFrom = command.attributes.get('copy-from');
	if (copyFrom !== undefined) {
		const source = table.get(table.resolve(copyFrom)) ?? {};
		for (const [name, value] of Object.entries(source)) {
			const field = spec.fields[name];
			if (field && !field.readOnly && !field.hidden && name !== spec.key) values[name] = value;
		}
	}
	const placeBefore = command.attributes.get('place-before');
	if (placeBefore !== undefined && !spec.verbs.includes('move')) {
		throw new RouterError(Messages.unknownParameter);
	}
	for (const [name, raw] of command.attributes) {
		if (name.startsWith('.') || ADD_OPTIONS.has(name)) continue;
		const value = acceptValue(table, name, raw, context);
		if (value === '' && spec.fields[name]?.default === undefined) delete values[name];
		else values[name] = value;
	}
	if (spec.key !== undefined && !values[spec.key] && spec.autoName !== undefined) {
		values[spec.key] = table.nextAutoName(spec.autoName);
	}
	for (const name of spec.required ?? []) {
		if (!values[name]) throw new RouterError(Messages.missingArgument(name));
	}
	const key = table.keyOf(values);
	if (key !== undefined && table.idOfKey(key) !== undefined) {
		throw new RouterError(spec.duplicateMessage ?? 'failure: item already exists');
	}
	checkUnique(table, values, undefined);
	const before = placeBefore ? table.resolve(placeBefore) : undefined;
	return [['!done', `=ret=${table.insert(values, undefined, before)}`]];
}

function set(table: Table, command: ApiCommand, context: VerbContext): Sentence[] {
	const ids = targets(table, command);
	const changes: Row = {};
	for (const [name, raw] of command.attributes) {
		if (name.startsWith('.') || name === 'numbers') continue;
		changes[name] = acceptValue(table, name, raw, context);
	}
	const keyField = table.spec.key;
	const newKey = keyField === undefined ? undefined : changes[keyField];
	if (keyField !== undefined && newKey !== undefined) {
		if (newKey === '') throw new RouterError(Messages.missingArgument(keyField));
		const owner = table.idOfKey(newKey);
		if (ids.length > 1 || (owner !== undefined && owner !== ids[0])) {
			throw new RouterError(table.spec.duplicateMessage ?? 'failure: item already exists');
		}
	}
	for (const name of table.spec.required ?? []) {
		if (changes[name] === '') throw new RouterError(Messages.missingArgument(name));
	}
	for (const id of ids) checkUnique(table, { ...table.get(id), ...changes }, id);
	for (const id of ids) {
		const oldKey = table.keyOf(table.get(id) ?? {});
		table.update(id, changes);
		if (newKey !== undefined && oldKey !== undefined && oldKey !== newKey) {
			context.renameReferences(table.spec.path, oldKey, newKey);
		}
	}
	return [['!done']];
}

/**
 * `unset =numbers=*1 =value-name=remote-address`: the field goes back to its default, or is
 * no longer set at all when it has none. The key and required fields cannot be unset.
 */
function unset(table: Table, command: ApiCommand): Sentence[] {
	const ids = targets(table, command);
	const names = command.attributes.get('value-name');
	if (names === undefined || names === '') {
		throw new RouterError(Messages.missingArgument('value-name'));
	}
	const changes: Row = {};
	for (const name of names.split(',').map((part) => part.trim())) {
		const field = table.spec.fields[name];
		const fixed = name === table.spec.key || table.spec.required?.includes(name);
		if (!field || field.readOnly || field.hidden || fixed) {
			throw new RouterError(Messages.noMatchingValue('value-name'));
		}
		changes[name] = field.default ?? '';
	}
	for (const id of ids) table.update(id, changes);
	return [['!done']];
}

/** An address may be in a list once; other menus have no such rule. */
function checkUnique(table: Table, values: Readonly<Row>, self: string | undefined): void {
	const unique = table.spec.unique;
	if (!unique) return;
	for (const [id, row] of table.entries()) {
		if (id !== self && unique.fields.every((name) => row[name] === values[name])) {
			throw new RouterError(unique.message);
		}
	}
}

function remove(table: Table, command: ApiCommand): Sentence[] {
	const ids = targets(table, command);
	// Check everything first: a refused item must leave the others in place too.
	if (ids.some((id) => table.isBuiltin(id)) && table.spec.builtinRemoveMessage) {
		throw new RouterError(table.spec.builtinRemoveMessage);
	}
	for (const id of ids) table.remove(id);
	return [['!done']];
}

/**
 * `get =number=*1 =value-name=profile` answers `!done =ret=<value>` (empty when unset), as
 * RouterOS 7 does for every menu that prints.
 */
export function getValue(row: Readonly<Row>, command: ApiCommand): Sentence[] {
	const name = command.attributes.get('value-name');
	if (name === undefined || name === '')
		throw new RouterError(Messages.missingArgument('value-name'));
	if (!(name in row) && name !== '.id') {
		throw new RouterError(Messages.noMatchingValue('value-name'));
	}
	return [['!done', `=ret=${row[name] ?? ''}`]];
}

/** The one item `get` reads: `=number=`, `=numbers=` or `=.id=`, an id or a name. */
export function getTarget(table: Table, command: ApiCommand, now: number): Row {
	const [id] = targets(table, command);
	const row = table.get(id as string) as Row;
	// Unset fields are still known names: give them as empty rather than refuse them.
	const known: Row = {};
	for (const [name, field] of Object.entries(table.spec.fields)) {
		if (!field.hidden && !field.writeOnly) known[name] = '';
	}
	return { ...known, ...table.printable(id as string, row, now) };
}

/** The items a command addresses with `=.id=` or `=numbers=`: ids or names, comma-separated. */
function targets(table: Table, command: ApiCommand): string[] {
	const references =
		command.attributes.get('.id') ??
		command.attributes.get('numbers') ??
		command.attributes.get('number');
	if (references === undefined || references === '') {
		throw new RouterError(Messages.missingArgument('numbers'));
	}
	return [...new Set(references.split(',').map((reference) => table.resolve(reference.trim())))];
}

/** Validates one `=name=value`; an empty string means "unset" for fields without a default. */
function acceptValue(table: Table, name: string, raw: string, context: VerbContext): string {
	const field = table.spec.fields[name];
	if (!field || field.readOnly || field.hidden) throw new RouterError(Messages.unknownParameter);
	if (raw === '' && field.default === undefined) return '';
	const value = field.normalize ? field.normalize(raw, name) : raw;
	if (field.references && !field.alsoAllowed?.includes(value)) {
		if (context.table(field.references)?.idOfKey(value) === undefined) {
			throw new RouterError(Messages.noMatchingValue(name));
		}
	}
	return value;
}
