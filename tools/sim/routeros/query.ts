/**
 * `print` queries. RouterOS evaluates the `?` words of a sentence on a stack of booleans, per
 * item: property tests push a value, `?#…` operators combine them, and whatever is left on the
 * stack at the end is AND-ed (an empty stack lets everything through).
 */
import { RouterError, TrapCategory } from './errors';
import { normalizeId } from './values';
import type { Row } from './table';

export type RowPredicate = (row: Readonly<Row>) => boolean;

type Operator = '|' | '&' | '!' | '.' | number;
type Step = { push: RowPredicate } | { operators: Operator[] };

const matchAll: RowPredicate = () => true;

/**
 * Reads a query value with the property's type (`aa-bb-…` as a MAC, `01:00:00` as `1h`); undefined
 * when the property has no type or the value does not parse, and the text is compared as is.
 */
export type QueryValueReader = (name: string, value: string) => string | undefined;

/** Compiles the query words once per command; throws a trap for a query that cannot work. */
export function compileQuery(
	words: readonly string[],
	readValue: QueryValueReader = () => undefined
): RowPredicate {
	if (words.length === 0) return matchAll;
	const steps = words.map((word) => compileWord(word, readValue));
	checkStackDepth(steps);
	return (row) => {
		const stack: boolean[] = [];
		for (const step of steps) {
			if ('push' in step) stack.push(step.push(row));
			else for (const op of step.operators) applyOperator(op, stack);
		}
		return stack.every(Boolean);
	};
}

/** A lone `?name=value` on the menu's key can be answered from the name index. */
export function keyLookup(words: readonly string[], key: string | undefined): string | undefined {
	if (words.length !== 1 || key === undefined) return undefined;
	const word = (words[0] as string).replace(/^=/, '');
	return word.startsWith(`${key}=`) ? word.slice(key.length + 1) : undefined;
}

function compileWord(word: string, readValue: QueryValueReader): Step {
	if (word.startsWith('#')) return { operators: parseOperators(word.slice(1)) };
	if (word.startsWith('-')) {
		const name = word.slice(1);
		return { push: (row) => row[name] === undefined };
	}
	if (word.startsWith('<') || word.startsWith('>')) {
		const [name, text] = splitNameValue(word.slice(1));
		const value = readValue(name, text) ?? text;
		const sign = word.startsWith('<') ? -1 : 1;
		return {
			push: (row) => {
				const actual = row[name];
				return actual !== undefined && Math.sign(compareValues(actual, value)) === sign;
			}
		};
	}
	const body = word.startsWith('=') ? word.slice(1) : word;
	if (!body.includes('=')) return { push: (row) => row[body] !== undefined };
	const [name, text] = splitNameValue(body);
	const value = readValue(name, text) ?? text;
	return { push: (row) => valuesEqual(name, row[name] ?? '', value) };
}

function splitNameValue(text: string): [string, string] {
	const split = text.indexOf('=');
	return split === -1 ? [text, ''] : [text.slice(0, split), text.slice(split + 1)];
}

/** Compares the way the router would for typed values: numbers as numbers, ids as ids. */
function valuesEqual(name: string, actual: string, wanted: string): boolean {
	if (actual === wanted) return true;
	if (name === '.id') return normalizeId(wanted) === actual;
	if (actual === 'true' || actual === 'false') {
		return (wanted === 'yes' && actual === 'true') || (wanted === 'no' && actual === 'false');
	}
	return false;
}

function compareValues(a: string, b: string): number {
	const x = Number(a);
	const y = Number(b);
	if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Operators, left to right: `|` and `&` pop two values and push the result, `!` negates the top,
 * `.` pushes a copy of the top, and a number (optionally followed by `.`) pushes a copy of the
 * value at that index, counted from the bottom. Any other character ends the word.
 */
function parseOperators(text: string): Operator[] {
	const operators: Operator[] = [];
	let i = 0;
	while (i < text.length) {
		const digits = /^\d+/.exec(text.slice(i));
		if (digits) {
			operators.push(Number(digits[0]));
			i += digits[0].length;
			if (text[i] === '.') i++;
			continue;
		}
		const op = text[i];
		if (op !== '|' && op !== '&' && op !== '!' && op !== '.') break;
		operators.push(op);
		i++;
	}
	return operators;
}

function applyOperator(op: Operator, stack: boolean[]): void {
	if (typeof op === 'number') {
		stack.push(stack[op] as boolean);
	} else if (op === '|' || op === '&') {
		const right = stack.pop() as boolean;
		const left = stack.pop() as boolean;
		stack.push(op === '|' ? left || right : left && right);
	} else if (op === '!') {
		stack.push(!(stack.pop() as boolean));
	} else {
		stack.push(stack[stack.length - 1] as boolean);
	}
}

/** The stack depth does not depend on the item, so a bad query is refused before printing. */
function checkStackDepth(steps: readonly Step[]): void {
	let depth = 0;
	for (const step of steps) {
		if ('push' in step) {
			depth++;
			continue;
		}
		for (const op of step.operators) {
			const needed = typeof op === 'number' ? op + 1 : op === '|' || op === '&' ? 2 : 1;
			if (depth < needed) {
				throw new RouterError('invalid query', TrapCategory.argumentValueFailure);
			}
			if (op === '|' || op === '&') depth--;
			else if (op !== '!') depth++;
		}
	}
}
