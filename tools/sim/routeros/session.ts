/**
 * One API connection: reassembles sentences, handles login, runs commands on the router the
 * user logged into, and writes tagged replies (late, or never, when a fault says so).
 */
import type { Socket } from 'node:net';
import { parseCommand, type ApiCommand } from './command';
import { Messages } from './errors';
import type { RouterFaults } from './faults';
import { encodeSentence, encodeSentences, SentenceReader } from './protocol';
import type { SimRouter } from './router';
import type { Sentence } from './verbs';

export interface SessionHost {
	readonly faults: RouterFaults;
	/** The router this login opens, or undefined when the name or password is wrong. */
	authenticate(name: string, password: string): SimRouter | undefined;
}

export class ApiSession {
	readonly #socket: Socket;
	readonly #host: SessionHost;
	readonly #reader: SentenceReader;
	readonly #timers = new Set<NodeJS.Timeout>();
	#router: SimRouter | undefined;
	#user: string | undefined;
	#closed = false;

	constructor(socket: Socket, host: SessionHost) {
		this.#socket = socket;
		this.#host = host;
		this.#reader = new SentenceReader((words) => this.#onSentence(words));
		socket.setNoDelay(true);
		socket.on('data', (chunk: Buffer) => this.#onData(chunk));
		// A client vanishing mid-command is ordinary here, not a reason to crash the test run.
		socket.on('error', () => this.#dispose());
		socket.on('close', () => this.#dispose());
	}

	/** Drops the connection without a word, as a router losing power would. */
	#drop(): void {
		this.#dispose();
		this.#socket.destroy();
	}

	#onData(chunk: Buffer): void {
		if (this.#closed || this.#host.faults.unresponsive) return;
		try {
			this.#reader.push(chunk);
		} catch {
			// A reserved control byte or a nonsensical length: nothing after it can be trusted.
			this.#drop();
		}
	}

	#onSentence(words: string[]): void {
		if (this.#closed) return;
		const command = parseCommand(words);
		const faults = this.#host.faults;
		if (faults.takeDrop(command)) {
			if (faults.executeBeforeDrop && this.#router && command.path !== '/login') {
				this.#execute(this.#router, command);
			}
			this.#drop();
			return;
		}
		if (command.path === '/login') return this.#login(command);
		if (command.path === '/quit') return this.#fatal(Messages.quit);
		// RouterOS does not trap here: it ends the session.
		if (!this.#router) return this.#fatal(Messages.notLoggedIn);
		if (command.path === '/cancel') return this.#reply(command, [['!done']]);
		this.#reply(command, this.#execute(this.#router, command));
	}

	#execute(router: SimRouter, command: ApiCommand): Sentence[] {
		const context = { user: this.#user, emptyReplies: this.#host.faults.emptyReplies };
		try {
			return router.execute(command, context);
		} catch (error) {
			// A simulator bug should fail one command loudly, not kill the whole test run.
			console.error(`RouterOS simulator failed on ${command.path}:`, error);
			return [['!trap', `=message=simulator error: ${String(error)}`], ['!done']];
		}
	}

	#login(command: ApiCommand): void {
		const name = command.attributes.get('name') ?? '';
		const password = command.attributes.get('password') ?? '';
		const router = this.#host.faults.rejectLogin
			? undefined
			: this.#host.authenticate(name, password);
		if (!router) {
			// The connection stays open: a client may try other credentials.
			this.#reply(command, [['!trap', `=message=${Messages.badLogin}`], ['!done']]);
			return;
		}
		this.#router = router;
		this.#user = name;
		this.#reply(command, [['!done']]);
	}

	#reply(command: ApiCommand, sentences: Sentence[]): void {
		if (command.tag !== undefined) {
			for (const sentence of sentences) sentence.push(`.tag=${command.tag}`);
		}
		const bytes = encodeSentences(sentences);
		const delay = this.#host.faults.delayFor(command);
		if (delay === 0) {
			this.#write(bytes);
			return;
		}
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			this.#write(bytes);
		}, delay);
		this.#timers.add(timer);
	}

	#fatal(reason: string): void {
		// `!fatal` carries its reason as a bare word, not as `=message=`.
		this.#write(encodeSentence(['!fatal', reason]));
		this.#dispose();
		this.#socket.end();
	}

	#write(bytes: Buffer): void {
		if (!this.#closed && this.#socket.writable) this.#socket.write(bytes);
	}

	#dispose(): void {
		this.#closed = true;
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
	}
}
