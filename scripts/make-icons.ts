/**
 * Draws the staff app's icons (static/icons/*.png): the brand green with a white signal mark.
 * Plain PNGs written with node's zlib, so no image library is needed; run `npx tsx
 * scripts/make-icons.ts` after changing the art. Each pixel is sampled 4×4 times for smooth edges.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const GREEN: Rgb = [0x0b, 0x7a, 0x45];
const WHITE: Rgb = [0xff, 0xff, 0xff];
type Rgb = [number, number, number];
/** Inside a shape, in coordinates from 0 to 1 across the icon. */
type Shape = (x: number, y: number) => boolean;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(bytes: Buffer): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}
function png(size: number, rgba: Uint8Array): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(size, 0);
	header.writeUInt32BE(size, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // RGBA
	const rows = Buffer.alloc(size * (size * 4 + 1));
	for (let y = 0; y < size; y++)
		rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(rows, { level: 9 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

/** Paints the background, then the mark over it; both by coverage, so edges blend. */
function draw(size: number, background: Shape, mark: Shape): Buffer {
	const rgba = new Uint8Array(size * size * 4);
	const n = 4;
	for (let py = 0; py < size; py++)
		for (let px = 0; px < size; px++) {
			let bg = 0;
			let fg = 0;
			for (let sy = 0; sy < n; sy++)
				for (let sx = 0; sx < n; sx++) {
					const x = (px + (sx + 0.5) / n) / size;
					const y = (py + (sy + 0.5) / n) / size;
					if (background(x, y)) bg++;
					if (background(x, y) && mark(x, y)) fg++;
				}
			const i = (py * size + px) * 4;
			const alpha = bg / (n * n);
			const white = bg ? fg / bg : 0;
			for (let c = 0; c < 3; c++)
				rgba[i + c] = Math.round(GREEN[c]! * (1 - white) + WHITE[c]! * white);
			rgba[i + 3] = Math.round(alpha * 255);
		}
	return png(size, rgba);
}

const fullBleed: Shape = () => true;
/** A rounded square, as launchers draw icons that are not maskable. */
const roundedSquare: Shape = (x, y) => {
	const r = 0.18;
	const dx = Math.max(r - x, 0, x - (1 - r));
	const dy = Math.max(r - y, 0, y - (1 - r));
	return dx * dx + dy * dy <= r * r;
};

/** Wi-Fi style signal: a dot and three arcs, scaled by `k` about the icon's centre. */
function signal(k: number): Shape {
	return (x, y) => {
		const u = (x - 0.5) / k + 0.5;
		const v = (y - 0.5) / k + 0.5;
		const cx = 0.5;
		const cy = 0.74;
		const d = Math.hypot(u - cx, v - cy);
		if (d <= 0.075) return true;
		// Within 45° either side of straight up.
		const upward = cy - v;
		if (upward <= 0 || Math.abs(u - cx) > upward) return false;
		return [0.24, 0.4, 0.56].some((radius) => Math.abs(d - radius) <= 0.05);
	};
}

/** A plus: "register a subscriber". */
const plus: Shape = (x, y) =>
	(Math.abs(x - 0.5) <= 0.07 && Math.abs(y - 0.5) <= 0.28) ||
	(Math.abs(y - 0.5) <= 0.07 && Math.abs(x - 0.5) <= 0.28);
/** A banknote outline with a coin in it: "collect cash". */
const banknote: Shape = (x, y) => {
	const inOuter = Math.abs(x - 0.5) <= 0.32 && Math.abs(y - 0.5) <= 0.2;
	const inInner = Math.abs(x - 0.5) <= 0.25 && Math.abs(y - 0.5) <= 0.13;
	return (inOuter && !inInner) || Math.hypot(x - 0.5, y - 0.5) <= 0.08;
};

const out = new URL('../static/icons/', import.meta.url);
const icons: [string, Buffer][] = [
	['icon-192.png', draw(192, roundedSquare, signal(0.9))],
	['icon-512.png', draw(512, roundedSquare, signal(0.9))],
	// Launchers crop maskable icons to a circle or squircle: the mark stays in the middle 80%.
	['icon-maskable-512.png', draw(512, fullBleed, signal(0.66))],
	['icon-maskable-192.png', draw(192, fullBleed, signal(0.66))],
	['shortcut-register-96.png', draw(96, roundedSquare, plus)],
	['shortcut-cash-96.png', draw(96, roundedSquare, banknote)]
];
for (const [name, bytes] of icons) writeFileSync(new URL(name, out), bytes);
console.log(`wrote ${icons.map(([name]) => name).join(', ')}`);
