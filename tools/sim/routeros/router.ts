/**
 * One simulated MikroTik: its menus, its users, and the command dispatcher. Tests reach the
 * same state directly through the helpers at the bottom (sessions, rows, command counts).
 */
import { parseCommand, type ApiCommand } from './command';
import { Messages, RouterError, TrapCategory } from './errors';
import { hotspotLogin } from './hotspot-login';
import { menuSpecs } from './menus';
import { RouterUsers, type RouterUser } from './router-users';
import {
	DEFAULT_VERSION,
	systemMenus,
	type SingleItemMenu,
	type SystemState
} from './system-menus';
import { Table, type Row } from './table';
import { getTarget, getValue, printRows, runVerb, type Sentence, type VerbContext } from './verbs';

export type { RouterUser };

export interface RouterOptions {
	/** `/system/identity` name; `MikroTik` by default, as on a new router. */
	readonly identity?: string;
	/** `/system/resource` version, e.g. `7.16.2 (stable)`. */
	readonly version?: string;
	readonly boardName?: string;
	/** API users; `admin` with an empty password by default. */
	readonly users?: readonly RouterUser[];
	/** Overrides for `/system/resource` values such as `cpu-load`. */
	readonly resource?: Readonly<Record<string, string>>;
	/** Clock for uptimes; tests can pass a fake one. */
	readonly now?: () => number;
}

export interface ExecutionContext {
	/** The logged-in API user; write commands need the `write` policy. Omit for test setup. */
	readonly user?: string;
	readonly emptyReplies?: boolean;
}

export interface CommandRecord {
	readonly path: string;
	readonly attributes: Readonly<Record<string, string>>;
	readonly queries: readonly string[];
	readonly tag: string | undefined;
	readonly user: string | undefined;
}

export interface HotspotSessionInput {
	readonly user: string;
	readonly address?: string;
	readonly macAddress?: string;
	readonly server?: string;
}

export interface PppSessionInput {
	readonly name: string;
	readonly address?: string;
	readonly callerId?: string;
	readonly service?: string;
}

const WRITE_VERBS = new Set([
	'add',
	'set',
	'unset',
	'remove',
	'enable',
	'disable',
	'comment',
	'move',
	'reset-counters'
]);
/** Enough history for a test to inspect; the counters stay exact beyond it. */
const COMMAND_LOG_LIMIT = 50_000;

export class SimRouter {
	readonly #options: RouterOptions;
	readonly #now: () => number;
	readonly #tables = new Map<string, Table>();
	readonly #system: SystemState;
	readonly #users: RouterUsers;
	readonly #singleItemMenus: Map<string, SingleItemMenu>;
	readonly #actions = new Map<string, (command: ApiCommand) => Sentence[]>();
	#log: CommandRecord[] = [];
	readonly #counts = new Map<string, number>();
	#totalCommands = 0;
	#sessionSequence = 0;

	constructor(options: RouterOptions = {}) {
		this.#options = options;
		this.#now = options.now ?? Date.now;
		for (const spec of menuSpecs) this.#tables.set(spec.path, new Table(spec));
		this.#system = {
			identity: options.identity ?? 'MikroTik',
			version: options.version ?? DEFAULT_VERSION,
			boardName: options.boardName ?? 'hAP ac^2',
			bootedAt: this.#now(),
			resource: { ...options.resource },
			now: this.#now
		};
		this.#singleItemMenus = systemMenus(this.#system);
		this.#actions.set('/ip/hotspot/active/login', (command) =>
			hotspotLogin(command, this.#verbContext(false))
		);
		this.#users = new RouterUsers(this.#mustTable('/user'), this.#mustTable('/user/group'));
		this.#users.seed(this.#initialUsers());
	}

	get identity(): string {
		return this.#system.identity;
	}

	set identity(name: string) {
		this.#system.identity = name;
	}

	get version(): string {
		return this.#system.version;
	}

	/** Runs one API command and returns the reply sentences (without tags). */
	execute(input: ApiCommand | readonly string[], context: ExecutionContext = {}): Sentence[] {
		const command = isCommand(input) ? input : parseCommand(input);
		this.#record(command, context.user);
		try {
			return this.#dispatch(command, context);
		} catch (error) {
			if (!(error instanceof RouterError)) throw error;
			const trap = ['!trap', `=message=${error.message}`];
			if (error.category !== undefined) trap.push(`=category=${error.category}`);
			return [trap, ['!done']];
		}
	}

	/** Checks an API login against `/user`: enabled, right password, a group with `api`. */
	login(name: string, password: string): boolean {
		this.#record(parseCommand(['/login', `=name=${name}`]), name);
		return this.#users.login(name, password, this.#now());
	}

	/** Whether `/user` has this name at all (used to pick a router by login name). */
	hasUser(name: string): boolean {
		return this.#users.has(name);
	}

	// ---- test helpers: direct access, not over the wire ----

	/** A menu's items as `print` would show them. */
	rows(menu: string): Row[] {
		const single = this.#singleItemMenus.get(menu);
		if (single) return [single.read()];
		const table = this.#mustTable(menu);
		const now = this.#now();
		table.expire(now);
		return [...table.entries()].map(([id, row]) => table.printable(id, row, now));
	}

	/** One item by id or name, as `print` would show it. */
	row(menu: string, reference: string): Row | undefined {
		const table = this.#mustTable(menu);
		table.expire(this.#now());
		try {
			const id = table.resolve(reference);
			return table.printable(id, table.get(id) as Row, this.#now());
		} catch {
			return undefined;
		}
	}

	/** Someone connected to the hotspot: the app should see them in `/ip/hotspot/active`. */
	addHotspotSession(input: HotspotSessionInput): string {
		const sequence = ++this.#sessionSequence;
		const servers = [...this.#mustTable('/ip/hotspot').entries()];
		return this.#mustTable('/ip/hotspot/active').insert({
			...this.#mustTable('/ip/hotspot/active').defaults(),
			server: input.server ?? servers[0]?.[1].name ?? 'hotspot1',
			user: input.user,
			address: input.address ?? `10.5.50.${(sequence % 250) + 2}`,
			'mac-address': input.macAddress ?? fakeMac(sequence),
			'login-by': 'http-chap',
			'started-at': String(this.#now())
		});
	}

	/** A PPPoE client dialled in with this secret. */
	addPppSession(input: PppSessionInput): string {
		const sequence = ++this.#sessionSequence;
		return this.#mustTable('/ppp/active').insert({
			...this.#mustTable('/ppp/active').defaults(),
			name: input.name,
			service: input.service ?? 'pppoe',
			'caller-id': input.callerId ?? fakeMac(sequence),
			address: input.address ?? `10.10.0.${(sequence % 250) + 2}`,
			'session-id': `0x8${(0x1000000 + sequence).toString(16).toUpperCase()}`,
			'started-at': String(this.#now())
		});
	}

	/**
	 * Commands the router processed (logins included): all, one exact path, or the paths
	 * matching a pattern. A command a fault dropped unexecuted is in `faults.dropped` instead.
	 */
	commandCount(filter?: string | RegExp): number {
		if (filter === undefined) return this.#totalCommands;
		if (typeof filter === 'string') return this.#counts.get(filter) ?? 0;
		let total = 0;
		for (const [path, count] of this.#counts) if (filter.test(path)) total += count;
		return total;
	}

	/** The most recent commands, oldest first (`/login` recorded without its password). */
	get commandLog(): readonly CommandRecord[] {
		return this.#log;
	}

	setResource(values: Readonly<Record<string, string>>): void {
		Object.assign(this.#system.resource, values);
	}

	/** Back to a freshly started router: seeded menus, initial users, zero counters. */
	reset(): void {
		for (const table of this.#tables.values()) table.reset();
		this.#users.seed(this.#initialUsers());
		this.#system.identity = this.#options.identity ?? 'MikroTik';
		this.#system.bootedAt = this.#now();
		this.#system.resource = { ...this.#options.resource };
		this.#log = [];
		this.#counts.clear();
		this.#totalCommands = 0;
		this.#sessionSequence = 0;
	}

	#dispatch(command: ApiCommand, context: ExecutionContext): Sentence[] {
		const action = this.#actions.get(command.path);
		if (action) {
			this.#requireWrite(context.user);
			return action(command);
		}
		const verb = command.verb === 'getall' ? 'print' : command.verb;
		const single = this.#singleItemMenus.get(command.menu);
		if (single) {
			if (verb === 'get') return getValue(single.read(), command);
			if (verb === 'print') {
				return printRows([single.read()], command, { emptyReplies: false });
			}
			if (verb === 'set' && single.set) {
				this.#requireWrite(context.user);
				single.set(command);
				return [['!done']];
			}
			throw new RouterError(Messages.noSuchCommand, TrapCategory.missingItemOrCommand);
		}
		const table = this.#tables.get(command.menu);
		if (!table) {
			throw new RouterError(
				Messages.noSuchMenu(this.#unknownPart(command.path)),
				TrapCategory.missingItemOrCommand
			);
		}
		if (verb === 'get') {
			const now = this.#now();
			table.expire(now);
			return getValue(getTarget(table, command, now), command);
		}
		const generic = table.spec.verbs.find((known) => known === verb);
		if (!generic) throw new RouterError(Messages.noSuchCommand, TrapCategory.missingItemOrCommand);
		if (WRITE_VERBS.has(generic)) this.#requireWrite(context.user);
		const verbContext = this.#verbContext(context.emptyReplies ?? false, context.user);
		table.expire(verbContext.now);
		return runVerb(generic, table, command, verbContext);
	}

	/** The first part of a path no menu of this router starts with: `nothing` in `/ip/nothing/print`. */
	#unknownPart(path: string): string {
		const known = [
			...this.#tables.keys(),
			...this.#singleItemMenus.keys(),
			...this.#actions.keys()
		];
		const parts = path.split('/').slice(1);
		for (let length = 1; length <= parts.length; length++) {
			const prefix = `/${parts.slice(0, length).join('/')}`;
			if (!known.some((menu) => menu === prefix || menu.startsWith(`${prefix}/`))) {
				return parts[length - 1] ?? '';
			}
		}
		return parts.at(-1) ?? '';
	}

	#verbContext(emptyReplies: boolean, user?: string): VerbContext {
		return {
			now: this.#now(),
			user,
			emptyReplies,
			table: (path) => this.#tables.get(path),
			renameReferences: (menu, from, to) => this.#renameReferences(menu, from, to)
		};
	}

	#renameReferences(menu: string, from: string, to: string): void {
		for (const table of this.#tables.values()) {
			for (const [field, spec] of Object.entries(table.spec.fields)) {
				if (spec.references !== menu) continue;
				for (const [id, row] of table.entries()) {
					if (row[field] === from) table.update(id, { [field]: to });
				}
			}
		}
	}

	#requireWrite(user: string | undefined): void {
		if (user !== undefined && !this.#users.may(user, 'write')) {
			throw new RouterError(Messages.notEnoughPermissions);
		}
	}

	#record(command: ApiCommand, user: string | undefined): void {
		this.#totalCommands++;
		this.#counts.set(command.path, (this.#counts.get(command.path) ?? 0) + 1);
		if (this.#log.length >= COMMAND_LOG_LIMIT) this.#log = this.#log.slice(COMMAND_LOG_LIMIT / 2);
		this.#log.push({
			path: command.path,
			attributes: Object.fromEntries(command.attributes),
			queries: command.queries,
			tag: command.tag,
			user
		});
	}

	#initialUsers(): readonly RouterUser[] {
		return this.#options.users ?? [{ name: 'admin' }];
	}

	#mustTable(menu: string): Table {
		const table = this.#tables.get(menu);
		if (!table) throw new Error(`the simulator has no menu ${menu}`);
		return table;
	}
}

function isCommand(input: ApiCommand | readonly string[]): input is ApiCommand {
	return !Array.isArray(input);
}

/** Locally administered MACs (02:…) so they never collide with a real vendor's. */
function fakeMac(sequence: number): string {
	const hex = sequence.toString(16).padStart(8, '0').toUpperCase();
	return `02:00:${hex.match(/../g)?.join(':')}`;
}
