/**
 * The generic commands every list menu shares: add, set, remove, print, enable, disable.
 * Each returns the reply sentences, tags left to the session.
 */
import type { ApiCommand } from './command';
import { Messages, RouterError } from './errors';
import { compileQuery, keyLookup } from './query';
import type { GenericVerb, Row, Table } from './table';

export type Sentence = string[];

/** What a verb needs from the router beyond its own table. */
export interface VerbContext {
	readonly now: number;
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
			return printRows(printableRows(table, command.queries, context.now), command, context);
		case 'add':
			return add(table, command, context);
		case 'set':
			return set(table, command, context);
		case 'remove':
			return remove(table, command);
		case 'enable':
		case 'disable':
			for (const id of targets(table, command)) {
				table.update(id, { disabled: verb === 'disable' ? 'true' : 'false' });
			}
			return [['!done']];
	}
}

/** `print` for any list of rows: queries, `.proplist`, `count-only` and `!empty`. */
export function printRows(
	rows: Iterable<Row>,
	command: ApiCommand,
	context: Pick<VerbContext, 'emptyReplies'>
): Sentence[] {
	const matches = compileQuery(command.queries);
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

function add(table: Table, command: ApiCommand, context: VerbContext): Sentence[] {
	const values = table.defaults();
	for (const [name, raw] of command.attributes) {
		if (name.startsWith('.')) continue;
		const value = acceptValue(table, name, raw, context);
		if (value === '' && values[name] === undefined) delete values[name];
		else values[name] = value;
	}
	for (const name of table.spec.required ?? []) {
		if (!values[name]) throw new RouterError(Messages.missingArgument(name));
	}
	const key = table.keyOf(values);
	if (key !== undefined && table.idOfKey(key) !== undefined) {
		throw new RouterError(table.spec.duplicateMessage ?? 'failure: item already exists');
	}
	return [['!done', `=ret=${table.insert(values)}`]];
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
	for (const id of ids) {
		const oldKey = table.keyOf(table.get(id) ?? {});
		table.update(id, changes);
		if (newKey !== undefined && oldKey !== undefined && oldKey !== newKey) {
			context.renameReferences(table.spec.path, oldKey, newKey);
		}
	}
	return [['!done']];
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

/** The items a command addresses with `=.id=` or `=numbers=`: ids or names, comma-separated. */
function targets(table: Table, command: ApiCommand): string[] {
	const references = command.attributes.get('.id') ?? command.attributes.get('numbers');
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
