/**
 * Idempotent "make it so" for one named item: find it by name, add it when missing, otherwise
 * set exactly the fields that differ. Running it twice sends one print and nothing else.
 */
import type { RouterApi, RouterReply } from './client';
import { RouterCommandFailed } from './errors';
import { findByName } from './menus';

export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/** One field as we want it, and how to tell whether the router already has it. */
export interface WantedField {
	readonly field: string;
	readonly value: string;
	/** Compares with the printed value, which RouterOS may have normalised (`yes` → `true`). */
	readonly matches: (current: string | undefined) => boolean;
	/** Leave out of `add` (the router's default already means this value). */
	readonly skipOnAdd?: boolean;
}

export function wantText(field: string, value: string, unsetValue = ''): WantedField {
	return {
		field,
		value,
		matches: (current) => (current ?? unsetValue) === value,
		skipOnAdd: value === unsetValue
	};
}

export function wantField(
	field: string,
	value: string,
	matches: (current: string | undefined) => boolean,
	skipOnAdd = false
): WantedField {
	return { field, value, matches, skipOnAdd };
}

export interface UpsertOptions {
	/** Why an existing item must not be changed (it is someone else's), or undefined to go on. */
	refuse?: (current: RouterReply) => string | undefined;
}

export async function upsertByName(
	api: RouterApi,
	menu: string,
	name: string,
	wanted: readonly WantedField[],
	options: UpsertOptions = {}
): Promise<UpsertOutcome> {
	const fields = wanted.map((w) => w.field);
	const current = await findByName(api, menu, name, fields);
	if (current) return updateItem(api, menu, current, wanted, options);
	try {
		const words = wanted.filter((w) => !w.skipOnAdd).map((w) => `=${w.field}=${w.value}`);
		await api.write(`${menu}/add`, [`=name=${name}`, ...words]);
		return 'added';
	} catch (error) {
		// Another worker may have added it between our print and our add: converge on theirs.
		if (!(error instanceof RouterCommandFailed)) throw error;
		const raced = await findByName(api, menu, name, fields);
		if (!raced) throw error;
		return updateItem(api, menu, raced, wanted, options);
	}
}

async function updateItem(
	api: RouterApi,
	menu: string,
	current: RouterReply,
	wanted: readonly WantedField[],
	options: UpsertOptions
): Promise<UpsertOutcome> {
	const refusal = options.refuse?.(current);
	if (refusal) throw new RouterCommandFailed(api.routerId, `${menu}/set`, refusal);
	const changes = wanted
		.filter((w) => !w.matches(current[w.field]))
		.map((w) => `=${w.field}=${w.value}`);
	if (changes.length === 0) return 'unchanged';
	await api.write(`${menu}/set`, [`=.id=${current['.id']}`, ...changes]);
	return 'updated';
}
