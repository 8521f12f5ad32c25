import { describe, expect, it } from 'vitest';
import {
	decodeLength,
	encodeLength,
	encodeSentence,
	ProtocolError,
	SentenceReader
} from './protocol';

function readAll(chunks: readonly Buffer[]): string[][] {
	const sentences: string[][] = [];
	const reader = new SentenceReader((words) => sentences.push(words));
	for (const chunk of chunks) reader.push(chunk);
	return sentences;
}

describe('word lengths', () => {
	it.each([
		[0, '00'],
		[0x7f, '7f'],
		[0x80, '8080'],
		[0x3fff, 'bfff'],
		[0x4000, 'c04000'],
		[0x1fffff, 'dfffff'],
		[0x200000, 'e0200000'],
		[0xfffffff, 'efffffff'],
		[0x10000000, 'f010000000'],
		[0xffffffff, 'f0ffffffff']
	])('encodes %i as %s and decodes it back', (length, hex) => {
		const encoded = encodeLength(length);
		expect(encoded.toString('hex')).toBe(hex);
		expect(decodeLength(encoded)).toEqual({ length, prefixSize: encoded.length });
	});

	it('waits for the rest of a length prefix cut short', () => {
		expect(decodeLength(Buffer.from([0xe0, 0x20]))).toBeUndefined();
		expect(decodeLength(Buffer.alloc(0))).toBeUndefined();
	});

	it('treats a first byte of 0xF8 or more as a reserved control byte', () => {
		for (const byte of [0xf8, 0xfc, 0xff]) {
			expect(() => decodeLength(Buffer.from([byte, 0, 0, 0, 0]))).toThrow(ProtocolError);
		}
	});

	it('refuses lengths it cannot encode', () => {
		expect(() => encodeLength(-1)).toThrow(RangeError);
		expect(() => encodeLength(2 ** 32)).toThrow(RangeError);
	});
});

describe('sentences', () => {
	const sentences = [
		['/ip/hotspot/user/add', '=name=alice', '=comment=a=b', '.tag=1'],
		['/system/resource/print'],
		['/ip/hotspot/user/set', `=comment=${'x'.repeat(300)}`, `=password=${'y'.repeat(20_000)}`]
	];
	const wire = Buffer.concat(sentences.map(encodeSentence));

	it('round-trips words of every size form', () => {
		const words = [0x7f, 0x80, 0x3fff, 0x4000, 0x200000].map((n) => 'w'.repeat(n));
		expect(readAll([encodeSentence(words)])).toEqual([words]);
	});

	it('reassembles sentences cut at every possible byte', () => {
		for (let cut = 1; cut < wire.length; cut += 97) {
			expect(readAll([wire.subarray(0, cut), wire.subarray(cut)])).toEqual(sentences);
		}
	});

	it('reassembles sentences fed one byte at a time', () => {
		const bytes = [...wire].map((byte) => Buffer.from([byte]));
		expect(readAll(bytes)).toEqual(sentences);
	});

	it('reassembles sentences cut into random pieces', () => {
		let seed = 42;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		for (let round = 0; round < 50; round++) {
			const chunks: Buffer[] = [];
			for (let at = 0; at < wire.length;) {
				const size = 1 + Math.floor(random() * 3000);
				chunks.push(wire.subarray(at, at + size));
				at += size;
			}
			expect(readAll(chunks)).toEqual(sentences);
		}
	});

	it('ignores empty sentences, as the API does', () => {
		const wireWithGaps = Buffer.concat([Buffer.from([0]), wire, Buffer.from([0, 0])]);
		expect(readAll([wireWithGaps])).toEqual(sentences);
	});

	it('keeps bytes that are not ASCII exactly as sent', () => {
		const utf8 = Buffer.from('=comment=Wanjikũ café', 'utf8');
		const sentence = Buffer.concat([encodeLength(utf8.length), utf8, Buffer.from([0])]);
		const [words] = readAll([sentence]);
		expect(Buffer.from(words?.[0] ?? '', 'latin1').equals(utf8)).toBe(true);
		expect(encodeSentence(words ?? []).equals(sentence)).toBe(true);
	});

	it('delivers the sentences before a control byte, then fails', () => {
		const seen: string[][] = [];
		const reader = new SentenceReader((words) => seen.push(words));
		const bad = Buffer.concat([encodeSentence(['/quit']), Buffer.from([0xf9, 1, 2])]);
		expect(() => reader.push(bad)).toThrow(/control byte/);
		expect(seen).toEqual([['/quit']]);
	});

	it('refuses a word longer than the configured limit', () => {
		const reader = new SentenceReader(() => undefined, 1024);
		expect(() => reader.push(encodeLength(4096))).toThrow(/refused/);
	});
});
