/**
 * The RouterOS API wire format: a sentence is a list of length-prefixed words ended by an
 * empty word. Text travels as raw bytes; we map them to strings with latin1 so that any byte
 * sequence a client sends (node-routeros uses Windows-1252, others UTF-8) comes back unchanged.
 */

/** Words bigger than this close the connection: the sim should not buffer gigabytes for a bad client. */
export const DEFAULT_MAX_WORD_LENGTH = 64 * 1024 * 1024;

const TEXT_ENCODING = 'latin1';

export type ProtocolErrorReason = 'control-byte' | 'malformed-length' | 'word-too-long';

export class ProtocolError extends Error {
	constructor(
		readonly reason: ProtocolErrorReason,
		message: string
	) {
		super(message);
		this.name = 'ProtocolError';
	}
}

/** How many bytes the length prefix of a word of `length` bytes takes. */
export function lengthPrefixSize(length: number): number {
	if (!Number.isInteger(length) || length < 0 || length > 0xffffffff) {
		throw new RangeError(`word length out of range: ${length}`);
	}
	if (length < 0x80) return 1;
	if (length < 0x4000) return 2;
	if (length < 0x200000) return 3;
	if (length < 0x10000000) return 4;
	return 5;
}

/** Writes the length prefix at `offset` and returns the offset just after it. */
export function writeLength(target: Buffer, offset: number, length: number): number {
	const size = lengthPrefixSize(length);
	switch (size) {
		case 1:
			target[offset] = length;
			break;
		case 2:
			target.writeUInt16BE(length | 0x8000, offset);
			break;
		case 3:
			target[offset] = (length >>> 16) | 0xc0;
			target.writeUInt16BE(length & 0xffff, offset + 1);
			break;
		case 4:
			// `>>> 0` keeps the value unsigned: `|` works on signed 32-bit integers.
			target.writeUInt32BE((length | 0xe0000000) >>> 0, offset);
			break;
		default:
			target[offset] = 0xf0;
			target.writeUInt32BE(length, offset + 1);
	}
	return offset + size;
}

export function encodeLength(length: number): Buffer {
	const prefix = Buffer.allocUnsafe(lengthPrefixSize(length));
	writeLength(prefix, 0, length);
	return prefix;
}

/**
 * Size of the length prefix announced by its first byte. A first byte of 0xF8 or more is a
 * reserved control byte; 0xF1–0xF7 is no defined form. Both mean the stream cannot be trusted.
 */
export function prefixSizeFromFirstByte(first: number): number {
	if (first < 0x80) return 1;
	if (first < 0xc0) return 2;
	if (first < 0xe0) return 3;
	if (first < 0xf0) return 4;
	if (first === 0xf0) return 5;
	if (first >= 0xf8) {
		throw new ProtocolError('control-byte', `reserved control byte 0x${first.toString(16)}`);
	}
	throw new ProtocolError('malformed-length', `invalid length prefix 0x${first.toString(16)}`);
}

export interface DecodedLength {
	readonly length: number;
	readonly prefixSize: number;
}

/** Reads a length prefix at `offset`; undefined when the buffer does not hold all of it yet. */
export function decodeLength(source: Buffer, offset = 0): DecodedLength | undefined {
	if (offset >= source.length) return undefined;
	const first = source[offset] as number;
	const prefixSize = prefixSizeFromFirstByte(first);
	if (offset + prefixSize > source.length) return undefined;
	let length: number;
	switch (prefixSize) {
		case 1:
			length = first;
			break;
		case 2:
			length = source.readUInt16BE(offset) & 0x3fff;
			break;
		case 3:
			length = ((first & 0x1f) << 16) | source.readUInt16BE(offset + 1);
			break;
		case 4:
			length = source.readUInt32BE(offset) & 0x0fffffff;
			break;
		default:
			length = source.readUInt32BE(offset + 1);
	}
	return { length, prefixSize };
}

/** Encodes a whole sentence, empty terminator included, into one buffer (one socket write). */
export function encodeSentence(words: readonly string[]): Buffer {
	return encodeSentences([words]);
}

/** Encodes many sentences into one buffer: one allocation, however long the print. */
export function encodeSentences(sentences: readonly (readonly string[])[]): Buffer {
	// latin1 maps each char to one byte, so a string's length is its byte count.
	let total = 0;
	for (const words of sentences) {
		total += 1;
		for (const word of words) total += lengthPrefixSize(word.length) + word.length;
	}
	const out = Buffer.allocUnsafe(total);
	let offset = 0;
	for (const words of sentences) {
		for (const word of words) {
			offset = writeLength(out, offset, word.length);
			offset += out.write(word, offset, TEXT_ENCODING);
		}
		out[offset++] = 0;
	}
	return out;
}

/**
 * Reassembles sentences from TCP chunks cut anywhere. Chunks are only joined once enough
 * bytes have arrived to finish the word being waited for, so a 2 MB word sent in 64 KB
 * pieces is copied once, not once per piece.
 */
export class SentenceReader {
	#pending: Buffer[] = [];
	#pendingBytes = 0;
	/** Bytes needed (from the start of #pending) before parsing can make progress. */
	#needed = 1;
	#words: string[] = [];

	constructor(
		private readonly onSentence: (words: string[]) => void,
		private readonly maxWordLength = DEFAULT_MAX_WORD_LENGTH
	) {}

	/** Feeds one chunk. Sentences completed before a bad byte are delivered, then it throws. */
	push(chunk: Buffer): void {
		if (chunk.length === 0) return;
		this.#pending.push(chunk);
		this.#pendingBytes += chunk.length;
		if (this.#pendingBytes < this.#needed) return;

		const data =
			this.#pending.length === 1
				? (this.#pending[0] as Buffer)
				: Buffer.concat(this.#pending, this.#pendingBytes);
		this.#pending = [];
		this.#pendingBytes = 0;

		let offset = 0;
		try {
			while (offset < data.length) {
				const prefixSize = prefixSizeFromFirstByte(data[offset] as number);
				const decoded = decodeLength(data, offset);
				if (!decoded) {
					this.#needed = prefixSize;
					break;
				}
				if (decoded.length > this.maxWordLength) {
					throw new ProtocolError('word-too-long', `word of ${decoded.length} bytes refused`);
				}
				const start = offset + prefixSize;
				const end = start + decoded.length;
				if (end > data.length) {
					this.#needed = prefixSize + decoded.length;
					break;
				}
				offset = end;
				if (decoded.length > 0) {
					this.#words.push(data.toString(TEXT_ENCODING, start, end));
				} else if (this.#words.length > 0) {
					// The API ignores empty sentences, so a lone terminator is skipped.
					const words = this.#words;
					this.#words = [];
					this.onSentence(words);
				}
			}
		} finally {
			if (offset < data.length) {
				const rest = data.subarray(offset);
				this.#pending = [rest];
				this.#pendingBytes = rest.length;
			} else {
				this.#needed = 1;
			}
		}
	}

	/** Bytes received that do not form a complete word yet. */
	get bufferedBytes(): number {
		return this.#pendingBytes;
	}
}
