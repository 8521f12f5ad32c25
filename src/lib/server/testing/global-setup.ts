/**
 * vitest globalSetup: a folder and an id for this run, where database.ts keeps the migrated
 * template that each test file copies; both are removed when the run ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

export function testDatabaseUrl(): string | undefined {
	return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

/** The name of this run's Postgres template, made by database.ts and dropped at the end. */
export function templateDatabaseName(runId: string): string {
	return `mtandao_tpl_${runId}`;
}

/**
 * One folder and id for the whole run: each vitest project (vite.config.ts) runs this setup, and
 * the projects share one template. Kept on globalThis, as each project may import this file anew;
 * the last project to finish removes them.
 */
interface Run {
	dir: string;
	id: string;
	projects: number;
}
const runs = globalThis as { mtandaoTestRun?: Run };

export default function setup(project: TestProject) {
	const run = (runs.mtandaoTestRun ??= {
		dir: mkdtempSync(join(tmpdir(), 'mtandao-test-run-')),
		id: randomBytes(6).toString('hex'),
		projects: 0
	});
	run.projects++;
	project.provide('testRunDir', run.dir);
	project.provide('testRunId', run.id);
	return async () => {
		if (--run.projects > 0) return;
		runs.mtandaoTestRun = undefined;
		const { dir, id } = run;
		rmSync(dir, { recursive: true, force: true });
		const baseUrl = testDatabaseUrl();
		if (!baseUrl) return;
		const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
		try {
			for (const name of [templateDatabaseName(id), `${templateDatabaseName(id)}_part`])
				await admin.unsafe(`drop database if exists ${name} with (force)`);
		} finally {
			await admin.end();
		}
	};
}
