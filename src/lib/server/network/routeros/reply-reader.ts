/**
 * Reads RouterOS API sentences from a socket's chunks, within limits a hostile router cannot
 * stretch. node-routeros trusts the word lengths the router declares and re-copies its whole
 * receive buffer for every chunk: a "router" that declares a 4 GiB word and streams blocked the
 * event loop for seconds, for every tenant. Here:
 *
 * - chunks are queued as they come and each byte is copied at most once (into the word it
 *   belongs to), so reading is linear in what arrives however it is split;
 * - a declared word over `maxWordBytes` is refused before a byte of it is kept, a sentence over
 *   `maxSentenceWords` words as soon as it gets there;
 * - a sentence that takes longer than `sentenceTimeoutMs` from its first byte to its last is
 *   refused: a router that trickles a byte at a time never trips the socket's idle timeout.
 *
 * The limit on a whole reply (all sentences for one command) is the caller's, since only it
 * knows where a reply ends (node-routeros-patches.ts counts bytes per tag).
 */
import { isAscii } from 'node:buffer';

export interface ReplyLimits {
	/** The largest word accepted (a value or a reply word); RouterOS words are short. */
	maxWordBytes: number;
	/** The most words in one sentence (attributes of one `!re` item). */
	maxSentenceWords: number;
	/** The most bytes of all sentences answering one command. */
	maxReplyBytes: number;
	/** From a sentence's first byte to its terminator. */
	sentenceTimeoutMs: number;
}

export const DEFAULT_REPLY_LIMITS: ReplyLimits = {
	maxWordBytes: 1024 * 1024,
	maxSentenceWords: 10_000,
	maxReplyBytes: 64 * 1024 * 1024,
	sentenceTimeoutMs: 30_000
};

/** Which limit a router broke; the reader's errors carry no router id (the connection adds it). */
export class ReplyLimitExceeded extends Error {
	override readonly name = 'ReplyLimitExceeded';
	constructor(
		readonly limit: 'word' | 'sentence' | 'reply',
		message: string
	) {
		super(message);
	}
}

export class ReplyTooSlow extends Error {
	override readonly name = 'ReplyTooSlow';
}

/** api-ssl: the certificate is not the pinned one (raised before the login is sent). */
export class CertificateMismatch extends Error {
	override readonly name = 'CertificateMismatch';
	constructor(readonly presented: string) {
		super(`presented the certificate ${presented}, not the trusted one`);
	}
}

/** A byte the API manual reserves for control: no router sends it in a reply. */
export class ProtocolViolation extends Error {
	override readonly name = 'ProtocolViolation';
}

export interface Sentence {
	words: string[];
	/** Bytes on the wire, lengths and terminator included. */
	bytes: number;
}

const windows1252 = new TextDecoder('windows-1252');

export class SentenceReader {
	readonly #limits: ReplyLimits;
	readonly #now: () => number;
	/** Received and not yet consumed: chunks[head] from offset on, then the rest whole. */
	#chunks: Buffer[] = [];
	#head = 0;
	#offset = 0;
	#buffered = 0;
	/** The sentence being read. */
	#words: string[] = [];
	#sentenceBytes = 0;
	#startedAt: number | undefined;
	/** The declared length of the word whose bytes are awaited, once its length is read. */
	#wordLength: number | undefined;

	constructor(limits: Partial<ReplyLimits> = {}, now: () => number = () => performance.now()) {
		this.#limits = { ...DEFAULT_REPLY_LIMITS, ...limits };
		this.#now = now;
	}

	/** Adds a chunk and returns the sentences it completed; throws when the router breaks a limit. */
	push(chunk: Buffer): Sentence[] {
		const now = this.#now();
		if (this.#startedAt !== undefined && now - this.#startedAt > this.#limits.sentenceTimeoutMs) {
			throw new ReplyTooSlow(
				`sent a reply sentence for more than ${this.#limits.sentenceTimeoutMs} ms without finishing it`
			);
		}
		if (chunk.length === 0) return [];
		this.#startedAt ??= now;
		this.#chunks.push(chunk);
		this.#buffered += chunk.length;
		const sentences: Sentence[] = [];
		for (;;) {
			const sentence = this.#readSentence();
			if (!sentence) break;
			sentences.push(sentence);
			// The next sentence starts with the bytes left over from this chunk, if any.
			this.#startedAt = this.#buffered > 0 ? now : undefined;
		}
		this.#compact();
		return sentences;
	}

	/** Advances through the buffered bytes; a whole sentence when one ends. */
	#readSentence(): Sentence | undefined {
		for (;;) {
			if (this.#wordLength === undefined) {
				const length = this.#readLength();
				if (length === undefined) return undefined;
				this.#sentenceBytes += length.size;
				if (length.value === 0) {
					const sentence = { words: this.#words, bytes: this.#sentenceBytes };
					this.#words = [];
					this.#sentenceBytes = 0;
					return sentence;
				}
				if (length.value > this.#limits.maxWordBytes) {
					throw new ReplyLimitExceeded(
						'word',
						`declared a ${length.value}-byte word (the limit is ${this.#limits.maxWordBytes})`
					);
				}
				if (this.#words.length >= this.#limits.maxSentenceWords) {
					throw new ReplyLimitExceeded(
						'sentence',
						`sent a sentence of more than ${this.#limits.maxSentenceWords} words`
					);
				}
				this.#wordLength = length.value;
			}
			if (this.#buffered < this.#wordLength) return undefined;
			const bytes = this.#take(this.#wordLength);
			this.#sentenceBytes += bytes.length;
			this.#words.push(isAscii(bytes) ? bytes.toString('latin1') : windows1252.decode(bytes));
			this.#wordLength = undefined;
		}
	}

	/** A word length (API manual encoding), consumed; undefined while its bytes are not all here. */
	#readLength(): { value: number; size: number } | undefined {
		if (this.#buffered === 0) return undefined;
		const first = this.#peek(0);
		if (first > 0xf0)
			throw new ProtocolViolation(`sent the reserved control byte 0x${first.toString(16)}`);
		const size = first < 0x80 ? 1 : first < 0xc0 ? 2 : first < 0xe0 ? 3 : first < 0xf0 ? 4 : 5;
		if (this.#buffered < size) return undefined;
		let value = size === 5 ? 0 : first & (0xff >> size);
		for (let i = 1; i < size; i++) value = value * 256 + this.#peek(i);
		this.#skip(size);
		return { value, size };
	}

	#peek(index: number): number {
		let at = this.#offset + index;
		for (let i = this.#head; ; i++) {
			const chunk = this.#chunks[i] as Buffer;
			if (at < chunk.length) return chunk[at] as number;
			at -= chunk.length;
		}
	}

	#skip(count: number): void {
		this.#buffered -= count;
		let left = count;
		while (left > 0) {
			const chunk = this.#chunks[this.#head] as Buffer;
			const here = Math.min(left, chunk.length - this.#offset);
			this.#offset += here;
			left -= here;
			if (this.#offset === chunk.length) this.#dropHead();
		}
	}

	/** The next `count` bytes: a view when they sit in one chunk, else one copy of just them. */
	#take(count: number): Buffer {
		const head = this.#chunks[this.#head] as Buffer;
		if (head.length - this.#offset >= count) {
			const view = head.subarray(this.#offset, this.#offset + count);
			this.#skip(count);
			return view;
		}
		const out = Buffer.allocUnsafe(count);
		let filled = 0;
		while (filled < count) {
			const chunk = this.#chunks[this.#head] as Buffer;
			const here = Math.min(count - filled, chunk.length - this.#offset);
			chunk.copy(out, filled, this.#offset, this.#offset + here);
			filled += here;
			this.#offset += here;
			if (this.#offset === chunk.length) this.#dropHead();
		}
		this.#buffered -= count;
		return out;
	}

	#dropHead(): void {
		this.#chunks[this.#head] = EMPTY;
		this.#head++;
		this.#offset = 0;
	}

	/** Forgets consumed chunks; done once per push, so a byte-at-a-time router stays linear too. */
	#compact(): void {
		if (this.#head === 0) return;
		this.#chunks = this.#chunks.slice(this.#head);
		this.#head = 0;
		// A small leftover is copied so it does not pin a whole 64 KiB read buffer.
		const first = this.#chunks[0];
		if (
			this.#chunks.length === 1 &&
			first &&
			this.#offset > 0 &&
			first.length - this.#offset < 4096
		) {
			this.#chunks[0] = Buffer.from(first.subarray(this.#offset));
			this.#offset = 0;
		}
	}
}

const EMPTY = Buffer.alloc(0);
