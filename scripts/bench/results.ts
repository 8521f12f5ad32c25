/**
 * The bench's answer: a table on the terminal and the same figures as JSON in BENCH_OUT (default
 * bench-results.json), keys as DESIGN.md §10 names them. A figure that could not be measured is
 * left out of the JSON and named, with the reason, under the table.
 */
import { writeFileSync } from 'node:fs';

export function p95(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

export function writeResults(
	results: Record<string, number>,
	targets: Record<string, string>,
	missing: Record<string, string> = {}
): string {
	const out = process.env.BENCH_OUT ?? 'bench-results.json';
	writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
	console.log('\nkey                              value        target');
	for (const [key, value] of Object.entries(results)) {
		console.log(
			`${key.padEnd(32)} ${String(Math.round(value * 100) / 100).padStart(10)}   ${targets[key] ?? ''}`
		);
	}
	for (const [key, reason] of Object.entries(missing))
		console.log(`${key.padEnd(32)} ${'missing'.padStart(10)}   ${targets[key] ?? ''}  ${reason}`);
	console.log(`\nwritten to ${out}`);
	return out;
}
