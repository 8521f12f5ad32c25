/**
 * One menu's list of items (`/ppp/secret`, `/ip/hotspot/user`, …): ids, the name index and the
 * printed form. Checks that need other menus (profile references) live in the verbs.
 */
import { Messages, RouterError } from './errors';
import { formatId, normalizeId, type Normalizer } from './values';

export type Row = Record<string, string>;

export interface FieldSpec {
	/** Value given to new items that leave the field out; fields without one may stay unset. */
	readonly default?: string;
	readonly normalize?: Normalizer;
	/** Menu whose item names this field must match, as a hotspot user's `profile`. */
	readonly references?: string;
	/** Values accepted besides the referenced names, such as a hotspot user's server `all`. */
	readonly alsoAllowed?: readonly string[];
	/** Accepted but never printed: router users' passwords. */
	readonly writeOnly?: boolean;
	/** Printed but refused on add and set: counters, timestamps, session data. */
	readonly readOnly?: boolean;
	/** Kept with the item for the simulator's own use, never printed nor settable. */
	readonly hidden?: boolean;
}

export type GenericVerb =
	| 'add'
	| 'set'
	| 'unset'
	| 'remove'
	| 'print'
	| 'enable'
	| 'disable'
	| 'comment'
	| 'move'
	| 'reset-counters';

/** The verbs of an ordinary configuration list (`getall` is `print` under another name). */
export const LIST_VERBS: readonly GenericVerb[] = [
	'add',
	'set',
	'unset',
	'remove',
	'print',
	'enable',
	'disable',
	'comment'
];

export interface MenuSpec {
	readonly path: string;
	readonly fields: Readonly<Record<string, FieldSpec>>;
	readonly verbs: readonly GenericVerb[];
	/** The field that must be unique; its value can stand in for `.id` (`=numbers=alice`). */
	readonly key?: string;
	readonly duplicateMessage?: string;
	readonly required?: readonly string[];
	/** Items every router starts with; an explicit `.id` keeps RouterOS's own (`*0`, `*FFFFFFFE`). */
	readonly seed?: readonly Row[];
	/** Refusal for removing a seeded item, e.g. the `default` profile. */
	readonly builtinRemoveMessage?: string;
	/** Values worked out when printing, such as a session's uptime. */
	readonly computed?: (row: Row, now: number) => Row;
	/** Fields whose values together must be unique (an address once per list), and the refusal. */
	readonly unique?: { readonly fields: readonly string[]; readonly message: string };
	/** Items added without a name get `<autoName><n>`, as queues get `queue1`. */
	readonly autoName?: string;
	/** Defaults that depend on the moment or the user, such as a scheduler entry's start time. */
	readonly dynamicDefaults?: (now: number, user: string | undefined) => Row;
	/** When an item goes away by itself (an address-list entry with a timeout), in ms since 1970. */
	readonly expiresAt?: (row: Row) => number | undefined;
	/** Counters `reset-counters` puts back to zero. */
	readonly counters?: readonly string[];
}

export class Table {
	readonly #rows = new Map<string, Row>();
	readonly #idByKey = new Map<string, string>();
	readonly #builtinIds = new Set<string>();
	readonly #visibleFields: string[];
	#nextSequence = 1;

	constructor(readonly spec: MenuSpec) {
		this.#visibleFields = Object.entries(spec.fields)
			.filter(([, field]) => !field.writeOnly && !field.hidden)
			.map(([name]) => name);
		this.reset();
	}

	get size(): number {
		return this.#rows.size;
	}

	reset(): void {
		this.#rows.clear();
		this.#idByKey.clear();
		this.#builtinIds.clear();
		this.#nextSequence = 1;
		for (const { '.id': id, ...values } of this.spec.seed ?? []) {
			this.#builtinIds.add(this.insert({ ...this.defaults(), ...values }, id));
		}
	}

	/** Defaults for a new item, before the given values are applied. */
	defaults(): Row {
		const row: Row = {};
		for (const [name, field] of Object.entries(this.spec.fields)) {
			if (field.default !== undefined) row[name] = field.default;
		}
		return row;
	}

	/** Stores an already validated item (before another one, for ordered lists) and returns its id. */
	insert(values: Row, id?: string, before?: string): string {
		const itemId = id ?? formatId(this.#nextSequence++);
		this.#rows.set(itemId, { ...values });
		if (before !== undefined) this.move([itemId], before);
		const key = this.keyOf(values);
		if (key !== undefined) this.#idByKey.set(key, itemId);
		return itemId;
	}

	/** Applies already validated changes; an empty value unsets a field that has no default. */
	update(id: string, changes: Row): void {
		const row = this.#mustGet(id);
		const oldKey = this.keyOf(row);
		for (const [name, value] of Object.entries(changes)) {
			if (value === '' && this.spec.fields[name]?.default === undefined) delete row[name];
			else row[name] = value;
		}
		const newKey = this.keyOf(row);
		if (oldKey !== newKey) {
			if (oldKey !== undefined) this.#idByKey.delete(oldKey);
			if (newKey !== undefined) this.#idByKey.set(newKey, id);
		}
	}

	/** Puts items just before another one, or at the end when `before` is undefined. */
	move(ids: readonly string[], before: string | undefined): void {
		const moving = new Set(ids);
		const entries = [...this.#rows].filter(([id]) => !moving.has(id));
		const at = before === undefined ? -1 : entries.findIndex(([id]) => id === before);
		const moved = ids.map((id) => [id, this.#mustGet(id)] as [string, Row]);
		entries.splice(at === -1 ? entries.length : at, 0, ...moved);
		this.#rows.clear();
		for (const [id, row] of entries) this.#rows.set(id, row);
	}

	/** The next free `queue<n>`-style name. */
	nextAutoName(prefix: string): string {
		for (let n = 1; ; n++) {
			if (this.#idByKey.get(`${prefix}${n}`) === undefined) return `${prefix}${n}`;
		}
	}

	/** Drops items whose time has run out. */
	expire(now: number): void {
		const expiresAt = this.spec.expiresAt;
		if (!expiresAt) return;
		for (const [id, row] of [...this.#rows]) {
			const at = expiresAt(row);
			if (at !== undefined && at <= now) this.remove(id);
		}
	}

	remove(id: string): void {
		const key = this.keyOf(this.#mustGet(id));
		if (key !== undefined) this.#idByKey.delete(key);
		this.#rows.delete(id);
	}

	get(id: string): Readonly<Row> | undefined {
		return this.#rows.get(id);
	}

	idOfKey(key: string): string | undefined {
		return this.#idByKey.get(key);
	}

	keyOf(row: Readonly<Row>): string | undefined {
		return this.spec.key === undefined ? undefined : row[this.spec.key];
	}

	isBuiltin(id: string): boolean {
		return this.#builtinIds.has(id);
	}

	entries(): IterableIterator<[string, Readonly<Row>]> {
		return this.#rows.entries();
	}

	/** Turns `*1A` or a name into an id, as `.id` and `numbers` accept both. */
	resolve(reference: string): string {
		const id = normalizeId(reference);
		if (id !== undefined && this.#rows.has(id)) return id;
		const byKey = id === undefined ? this.#idByKey.get(reference) : undefined;
		if (byKey !== undefined) return byKey;
		throw new RouterError(Messages.noSuchItem);
	}

	/** The item as `print` shows it: `.id` first, fields in menu order, then computed values. */
	printable(id: string, row: Readonly<Row>, now: number): Row {
		const out: Row = { '.id': id };
		for (const name of this.#visibleFields) {
			const value = row[name];
			if (value !== undefined) out[name] = value;
		}
		if (this.spec.computed) Object.assign(out, this.spec.computed(row, now));
		return out;
	}

	#mustGet(id: string): Row {
		const row = this.#rows.get(id);
		if (!row) throw new RouterError(Messages.noSuchItem);
		return row;
	}
}
