/** Shared by the benchmarks: a scratch Postgres database, and a fixed number of requests in flight. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { openDatabase, setDatabase, type Database } from '../../src/lib/server/db';

export interface ScratchDatabase {
	db: Database;
	/** Owner URL of the scratch database. */
	url: string;
	drop(): Promise<void>;
}

/** A fresh, migrated database on BENCH_DATABASE_URL's server (default the local one), made the app's. */
export async function scratchDatabase(poolSize: number): Promise<ScratchDatabase> {
	const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
	const name = `mtandao_bench_${randomBytes(4).toString('hex')}`;
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const db = await openDatabase({
		url: url.toString(),
		migrationsDir: resolve('drizzle'),
		poolSize
	});
	setDatabase(db);
	return {
		db,
		url: url.toString(),
		async drop() {
			await db.close();
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}

/** Runs `fn` over `items` with `concurrency` calls in flight; results in completion order. */
export async function inFlight<T, R>(
	items: T[],
	concurrency: number,
	fn: (item: T) => Promise<R>
): Promise<R[]> {
	const results: R[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) results.push(await fn(items[next++]!));
		})
	);
	return results;
}

/**
 * CPU time the whole machine has spent busy so far, in milliseconds (all cores; Linux's /proc/stat,
 * 10 ms resolution per core), or NaN elsewhere. Taken before and after a run, it gives the CPU one
 * operation costs on every process together (Node, Postgres, the WAL writer), a figure that a
 * passing disturbance on a shared machine skews far less than a rate.
 */
export function machineBusyMs(): number {
	try {
		const fields = readFileSync('/proc/stat', 'utf8')
			.split('\n', 1)[0]!
			.trim()
			.split(/\s+/)
			.slice(1)
			.map(Number);
		// user nice system idle iowait irq softirq steal: idle and iowait are not busy.
		const busy = fields
			.slice(0, 8)
			.reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
		return busy * 10;
	} catch {
		return Number.NaN;
	}
}
