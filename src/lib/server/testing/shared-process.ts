/**
 * vitest setupFile of the files that share a worker process (vite.config.ts): a file that leaves
 * process.env changed would change the files run after it, so it fails, naming the way out.
 */
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
	const changed = Object.keys({ ...before, ...process.env }).filter(
		(name) => before[name] !== process.env[name]
	);
	if (changed.length === 0) return;
	for (const name of changed) {
		if (before[name] === undefined) delete process.env[name];
		else process.env[name] = before[name];
	}
	throw new Error(
		`This test file changed ${changed.join(', ')} in process.env and shares its process with other files: list it in ISOLATED in vite.config.ts`
	);
});
