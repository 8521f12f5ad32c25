/**
 * A bare-bones API client that shows exactly what is on the wire: tests use it to check
 * sentences (`!empty`, `!fatal`, tags) that node-routeros hides or mishandles.
 */
import net, { type Socket } from 'node:net';
import { encodeSentence, SentenceReader } from './protocol';

export class RawApiClient {
	readonly #socket: Socket;
	readonly #received: string[][] = [];
	readonly #waiting: Array<{ resolve: (sentence: string[]) => void; reject: (e: Error) => void }> =
		[];
	#ended = false;
	readonly closed: Promise<void>;

	private constructor(socket: Socket) {
		this.#socket = socket;
		const reader = new SentenceReader((sentence) => {
			const waiter = this.#waiting.shift();
			if (waiter) waiter.resolve(sentence);
			else this.#received.push(sentence);
		});
		socket.on('data', (chunk: Buffer) => reader.push(chunk));
		socket.on('error', () => undefined);
		this.closed = new Promise((resolve) =>
			socket.once('close', () => {
				this.#ended = true;
				for (const waiter of this.#waiting.splice(0)) {
					waiter.reject(new Error('connection closed'));
				}
				resolve();
			})
		);
	}

	static connect(port: number, host = '127.0.0.1'): Promise<RawApiClient> {
		return new Promise((resolve, reject) => {
			const socket = net.connect(port, host);
			socket.once('error', reject);
			socket.once('connect', () => {
				socket.off('error', reject);
				resolve(new RawApiClient(socket));
			});
		});
	}

	/** Connects and logs in, failing loudly if the login is refused. */
	static async login(port: number, name = 'admin', password = ''): Promise<RawApiClient> {
		const client = await RawApiClient.connect(port);
		const reply = await client.run(['/login', `=name=${name}`, `=password=${password}`]);
		if (reply[0]?.[0] !== '!done') throw new Error(`login refused: ${JSON.stringify(reply)}`);
		return client;
	}

	send(words: readonly string[]): void {
		this.#socket.write(encodeSentence(words));
	}

	/** Writes bytes as they are, for fragmentation and malformed-input tests. */
	writeBytes(bytes: Buffer): Promise<void> {
		return new Promise((resolve, reject) =>
			this.#socket.write(bytes, (error) => (error ? reject(error) : resolve()))
		);
	}

	nextSentence(timeoutMs = 5000): Promise<string[]> {
		const ready = this.#received.shift();
		if (ready) return Promise.resolve(ready);
		if (this.#ended) return Promise.reject(new Error('connection closed'));
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				const index = this.#waiting.indexOf(waiter);
				if (index !== -1) this.#waiting.splice(index, 1);
				reject(new Error(`no sentence within ${timeoutMs} ms`));
			}, timeoutMs);
			const waiter = {
				resolve: (sentence: string[]) => {
					clearTimeout(timer);
					resolve(sentence);
				},
				reject: (error: Error) => {
					clearTimeout(timer);
					reject(error);
				}
			};
			this.#waiting.push(waiter);
		});
	}

	/** Sends one untagged command and collects its replies up to `!done` (or `!fatal`). */
	async run(words: readonly string[]): Promise<string[][]> {
		this.send(words);
		return this.readUntilDone();
	}

	async readUntilDone(): Promise<string[][]> {
		const replies: string[][] = [];
		for (;;) {
			const sentence = await this.nextSentence();
			replies.push(sentence);
			if (sentence[0] === '!done' || sentence[0] === '!fatal') return replies;
		}
	}

	close(): Promise<void> {
		this.#socket.end();
		return this.closed;
	}
}

/** `['!re', '=name=x', '=.id=*1']` → `{ name: 'x', '.id': '*1' }`. */
export function attributesOf(sentence: readonly string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const word of sentence.slice(1)) {
		if (!word.startsWith('=')) continue;
		const split = word.indexOf('=', 1);
		out[word.slice(1, split)] = word.slice(split + 1);
	}
	return out;
}
