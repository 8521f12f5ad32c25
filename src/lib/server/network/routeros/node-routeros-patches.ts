/**
 * Runtime fixes for node-routeros 1.6.9, its last release (upstream marks it discontinued).
 * Applied once per process, when the client module loads; every fix is proven against the
 * simulator or a scripted socket in node-routeros-patches.test.ts.
 *
 * Why at runtime and not with patch-package: nothing to remember at install time (a skipped
 * postinstall would silently bring the hangs back), and if the internals ever change shape
 * the shape check below fails loudly at start-up instead.
 *
 * 1. Reply framing (Receiver.processRawData). The stock parser cuts sentences at reply words
 *    and loses track when TCP splits a reply between a sentence's last word and its zero
 *    terminator, or inside a multi-byte length: the command then never settles. Replaced by
 *    a parser that buffers until a sentence is complete, then routes it by `.tag`.
 * 2. `!empty` (RouterOS 7.18+: a print that found nothing, followed by `!done`). The stock
 *    Channel calls it unknown and throws UNKNOWNREPLY from a socket handler, which kills the
 *    process. It is skipped here, so the `!done` after it resolves the print with [].
 * 3. Any other unknown reply word rejects its command instead of throwing.
 * 4. A second socket error ends the process: after the first, the Connector removes all its
 *    listeners and re-emits the next 'error' with nobody listening (seen with api-ssl against a
 *    plain API port). A destroyed Connector now keeps a silent 'error' listener.
 * 5. Latency: the stock client writes each word with its own socket.write and leaves Nagle on.
 *    Against a peer that delays ACKs that is ~40 ms per command (~22 commands/s measured on one
 *    connection). Now one buffer per sentence, TCP_NODELAY, and the sentences written in one
 *    turn of the event loop (a pipelined batch) leave together.
 */
import { isAscii } from 'node:buffer';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Channel, Connector, Receiver } from 'node-routeros';

interface ChannelInternals extends EventEmitter {
	processPacket(packet: string[]): void;
	onUnknown(reply: string): void;
}

interface ReceiverInternals {
	socket: Socket;
	tags: Map<string, { callback(packet: string[]): void }>;
	processRawData(data: Buffer): void;
}

interface TransmitterInternals {
	pool: Buffer[];
	encodeString(word: string): Buffer;
}

interface ConnectorInternals extends EventEmitter {
	socket: Socket | undefined;
	transmitter: TransmitterInternals;
	connect(): unknown;
	write(words: string[]): unknown;
	destroy(): void;
}

const PATCHED = Symbol.for('mtandao.node-routeros.patched');
const TERMINATOR = Buffer.from([0]);
const windows1252 = new TextDecoder('windows-1252');

/** Sockets holding writes until the end of the current tick. */
const corked = new WeakSet<Socket>();

/** Bytes received but not yet a whole sentence, per connection. */
const unparsed = new WeakMap<object, Buffer>();

const ignore = () => undefined;

export class ProtocolViolation extends Error {
	override readonly name = 'ProtocolViolation';
}

export function applyNodeRouterosPatches(): void {
	const channel = Channel.prototype as unknown as ChannelInternals & Record<symbol, unknown>;
	if (channel[PATCHED]) return;
	const receiver = Receiver.prototype as unknown as ReceiverInternals;
	const connector = Connector.prototype as unknown as ConnectorInternals;
	for (const [what, value] of [
		['Channel.processPacket', channel.processPacket],
		['Channel.onUnknown', channel.onUnknown],
		['Receiver.processRawData', receiver.processRawData],
		['Connector.connect', connector.connect],
		['Connector.write', connector.write],
		['Connector.destroy', connector.destroy]
	] as const) {
		if (typeof value !== 'function') {
			throw new Error(`node-routeros internals changed (${what} is missing): review node-routeros-patches.ts`);
		}
	}

	const processPacket = channel.processPacket;
	channel.processPacket = function (this: ChannelInternals, packet: string[]) {
		if (packet[0] === '!empty') return;
		processPacket.call(this, packet);
	};
	// Bound per channel in its constructor, so patching the prototype reaches every new channel.
	channel.onUnknown = function (this: ChannelInternals, reply: string) {
		this.emit('trap', { message: `unexpected reply ${reply} from the router` });
	};

	receiver.processRawData = function (this: ReceiverInternals, chunk: Buffer) {
		receiveChunk(this, chunk);
	};

	const connect = connector.connect;
	connector.connect = function (this: ConnectorInternals) {
		const result = connect.call(this);
		this.socket?.setNoDelay(true);
		return result;
	};
	connector.write = function (this: ConnectorInternals, words: string[]) {
		const transmitter = this.transmitter;
		const parts = words.map((word) => transmitter.encodeString(word));
		parts.push(TERMINATOR);
		const bytes = Buffer.concat(parts);
		// Before the socket connects (or after it died) the stock client queues in its pool.
		const socket = this.socket;
		if (!socket?.writable || transmitter.pool.length > 0) {
			transmitter.pool.push(bytes);
			return this;
		}
		if (!corked.has(socket)) {
			// Commands issued in the same turn of the event loop (a pipelined batch) leave in one
			// segment: fewer syscalls here, fewer reads on a small router.
			corked.add(socket);
			socket.cork();
			process.nextTick(() => {
				corked.delete(socket);
				socket.uncork();
			});
		}
		socket.write(bytes);
		return this;
	};

	const destroy = connector.destroy;
	connector.destroy = function (this: ConnectorInternals) {
		destroy.call(this);
		this.on('error', ignore);
	};

	channel[PATCHED] = true;
}

function receiveChunk(receiver: ReceiverInternals, chunk: Buffer): void {
	const before = unparsed.get(receiver);
	const data = before ? Buffer.concat([before, chunk]) : chunk;
	let offset = 0;
	let failure: unknown;
	try {
		for (;;) {
			const sentence = readSentence(data, offset);
			if (!sentence) break;
			offset = sentence.end;
			if (!deliver(receiver, sentence.words)) {
				unparsed.delete(receiver);
				return;
			}
		}
	} catch (error) {
		failure = error;
	}
	if (failure !== undefined) {
		// Never throw from a socket handler (that ends the process): fail the connection instead,
		// and its commands reject through the API object's 'error' event.
		unparsed.delete(receiver);
		receiver.socket.destroy(failure instanceof Error ? failure : new Error(String(failure)));
		return;
	}
	if (offset >= data.length) unparsed.delete(receiver);
	// A copy, so one small leftover does not pin a whole 64 KiB read buffer.
	else unparsed.set(receiver, Buffer.from(data.subarray(offset)));
}

/** Hands one sentence to its command; false when the connection is finished. */
function deliver(receiver: ReceiverInternals, words: string[]): boolean {
	let tag: string | undefined;
	const packet: string[] = [];
	for (const word of words) {
		if (word.startsWith('.tag=')) tag = word.slice(5);
		else packet.push(word);
	}
	if (packet[0] === '!fatal') {
		// The router is closing the session; the connector listens for this to wind down.
		receiver.socket.emit('fatal');
		return false;
	}
	// Untagged sentences and late replies to abandoned commands have nobody waiting: drop them
	// (the stock client threw UNREGISTEREDTAG from the socket handler here).
	if (tag === undefined) return true;
	receiver.tags.get(tag)?.callback(packet);
	return true;
}

/** One complete sentence starting at `offset`, or undefined when more bytes are needed. */
export function readSentence(data: Buffer, offset: number): { words: string[]; end: number } | undefined {
	const words: string[] = [];
	let at = offset;
	for (;;) {
		const length = readLength(data, at);
		if (!length) return undefined;
		at += length.size;
		if (length.value === 0) return { words, end: at };
		if (at + length.value > data.length) return undefined;
		const bytes = data.subarray(at, at + length.value);
		words.push(isAscii(bytes) ? bytes.toString('latin1') : windows1252.decode(bytes));
		at += length.value;
	}
}

/** A word length (API manual encoding); undefined when its bytes have not all arrived. */
function readLength(data: Buffer, at: number): { value: number; size: number } | undefined {
	if (at >= data.length) return undefined;
	const first = data[at] as number;
	const size = first < 0x80 ? 1 : first < 0xc0 ? 2 : first < 0xe0 ? 3 : first < 0xf0 ? 4 : 5;
	if (first > 0xf0) throw new ProtocolViolation(`reserved control byte 0x${first.toString(16)} from the router`);
	if (at + size > data.length) return undefined;
	switch (size) {
		case 1:
			return { value: first, size };
		case 2:
			return { value: ((first & 0x3f) << 8) | (data[at + 1] as number), size };
		case 3:
			return { value: ((first & 0x1f) << 16) | data.readUInt16BE(at + 1), size };
		case 4:
			return { value: (first & 0x0f) * 0x1000000 + data.readUIntBE(at + 1, 3), size };
		default:
			return { value: data.readUInt32BE(at + 1), size };
	}
}
