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
 *    terminator, or inside a multi-byte length: the command then never settles. It also trusts
 *    declared word lengths and re-copies its buffer per chunk (a hostile router declaring a
 *    4 GiB word blocked the event loop for seconds). Replaced by reply-reader.ts (linear, with
 *    word, sentence, reply-size and trickle limits), routing whole sentences by `.tag`. A broken
 *    limit destroys the socket, and Connector.onError passes that typed error on unwrapped.
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
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Channel, Connector, Receiver, type RouterOSAPI } from 'node-routeros';
import {
	CertificateMismatch,
	DEFAULT_REPLY_LIMITS,
	ProtocolViolation,
	ReplyLimitExceeded,
	ReplyTooSlow,
	SentenceReader,
	type ReplyLimits,
	type Sentence
} from './reply-reader';

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
	onError(error: Error): void;
	onEnd(): void;
	onConnect(): void;
}

const PATCHED = Symbol.for('mtandao.node-routeros.patched');
const TERMINATOR = Buffer.from([0]);

/** Sockets holding writes until the end of the current tick. */
const corked = new WeakSet<Socket>();

interface ReceiverState {
	readonly reader: SentenceReader;
	/** Bytes received so far per command (tag) still being answered. */
	readonly replyBytes: Map<string, number>;
}

const receivers = new WeakMap<object, ReceiverState>();

/** The certificate expected of each api-ssl connection, by its socket (set by pinCertificate). */
const pins = new WeakMap<Socket, { expected: string | null; seen(fingerprint: string): void }>();

/** The limits of each connection's replies, by its socket (set by limitReplies). */
const limitsFor = new WeakMap<Socket, Partial<ReplyLimits>>();

const ignore = () => undefined;

export { ProtocolViolation };

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
		['Connector.destroy', connector.destroy],
		['Connector.onError', connector.onError],
		['Connector.onEnd', connector.onEnd],
		['Connector.onConnect', connector.onConnect]
	] as const) {
		if (typeof value !== 'function') {
			throw new Error(
				`node-routeros internals changed (${what} is missing): review node-routeros-patches.ts`
			);
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

	const onError = connector.onError;
	// Bound in connect(), so patching the prototype reaches every new connector. The stock one
	// wraps every error in a RosException keyed by errno, which loses ours (no errno).
	connector.onError = function (this: ConnectorInternals, error: Error) {
		if (!isReplyRefusal(error)) return onError.call(this, error);
		this.emit('error', error, this);
		this.destroy();
	};

	const onConnect = connector.onConnect;
	// api-ssl: the certificate is checked here, after the handshake and before the login (with
	// its password) is written. Bound in connect(), like onError.
	connector.onConnect = function (this: ConnectorInternals) {
		const socket = this.socket;
		const pin = socket && pins.get(socket);
		if (pin && socket instanceof TLSSocket) {
			const presented = socket.getPeerCertificate().fingerprint256 ?? '';
			pin.seen(presented);
			if (pin.expected && presented !== pin.expected)
				return this.onError(new CertificateMismatch(presented));
		}
		return onConnect.call(this);
	};

	const destroy = connector.destroy;
	connector.destroy = function (this: ConnectorInternals) {
		destroy.call(this);
		this.on('error', ignore);
	};

	channel[PATCHED] = true;
}

/** Errors the reply reader raises to cut a connection. */
export function isReplyRefusal(
	error: unknown
): error is ReplyLimitExceeded | ReplyTooSlow | ProtocolViolation | CertificateMismatch {
	return (
		error instanceof ReplyLimitExceeded ||
		error instanceof ReplyTooSlow ||
		error instanceof ProtocolViolation ||
		error instanceof CertificateMismatch
	);
}

/**
 * api-ssl: tells `seen` the SHA-256 fingerprint (`AB:CD:…`) of the certificate the router
 * presents, and refuses the connection before login when `expected` is set and differs. Call
 * right after `api.connect()`, like limitReplies.
 */
export function pinCertificate(
	api: RouterOSAPI,
	expected: string | null,
	seen: (fingerprint: string) => void
): void {
	const socket = (api as unknown as { connector?: ConnectorInternals }).connector?.socket;
	if (!socket)
		throw new Error(
			'node-routeros internals changed (no socket after connect): review node-routeros-patches.ts'
		);
	pins.set(socket, { expected, seen });
}

/**
 * Sets the reply limits of a connection; call right after `api.connect()` (which creates the
 * socket synchronously), before any byte can arrive.
 */
export function limitReplies(api: RouterOSAPI, limits: Partial<ReplyLimits>): void {
	const socket = (api as unknown as { connector?: ConnectorInternals }).connector?.socket;
	if (!socket)
		throw new Error(
			'node-routeros internals changed (no socket after connect): review node-routeros-patches.ts'
		);
	limitsFor.set(socket, limits);
}

/**
 * Cuts a connection now: for a router that stopped answering or broke a limit, a polite close
 * would wait on that same router. The API object sees it as a close.
 */
export function destroyConnection(api: RouterOSAPI): void {
	const connector = (api as unknown as { connector?: ConnectorInternals | null }).connector;
	if (!connector?.socket || connector.socket.destroyed) return;
	connector.onEnd();
}

function receiveChunk(receiver: ReceiverInternals, chunk: Buffer): void {
	let state = receivers.get(receiver);
	if (!state) {
		state = { reader: new SentenceReader(limitsFor.get(receiver.socket)), replyBytes: new Map() };
		receivers.set(receiver, state);
	}
	try {
		for (const sentence of state.reader.push(chunk)) {
			if (!deliver(receiver, state, sentence)) return;
		}
	} catch (error) {
		// Never throw from a socket handler (that ends the process): cut the connection instead,
		// and its commands reject through the API object's 'error' event.
		receivers.delete(receiver);
		receiver.socket.destroy(error instanceof Error ? error : new Error(String(error)));
	}
}

/** Hands one sentence to its command; false when the connection is finished. */
function deliver(receiver: ReceiverInternals, state: ReceiverState, sentence: Sentence): boolean {
	let tag: string | undefined;
	const packet: string[] = [];
	for (const word of sentence.words) {
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
	const waiting = receiver.tags.get(tag);
	if (!waiting) return true;
	const limit = limitsFor.get(receiver.socket)?.maxReplyBytes ?? DEFAULT_REPLY_LIMITS.maxReplyBytes;
	const total = (state.replyBytes.get(tag) ?? 0) + sentence.bytes;
	if (total > limit)
		throw new ReplyLimitExceeded('reply', `sent more than ${limit} bytes in answer to one command`);
	if (packet[0] === '!done') state.replyBytes.delete(tag);
	else state.replyBytes.set(tag, total);
	waiting.callback(packet);
	return true;
}

/** One complete sentence starting at `offset`, or undefined when more bytes are needed (tests). */
export function readSentence(
	data: Buffer,
	offset: number
): { words: string[]; end: number } | undefined {
	const [sentence] = new SentenceReader({ maxWordBytes: Infinity }).push(data.subarray(offset));
	return sentence && { words: sentence.words, end: offset + sentence.bytes };
}
