import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that need a process of their own: they set process.env or mock a module before the
 * code under test is imported (and would leave it so for the next file), or, for the scope
 * signature, need two transactions that do not start in the same millisecond (PGlite's clock
 * counts milliseconds; a warm process runs two in one).
 */
const ISOLATED = [
	'src/lib/server/auth/login.security.test.ts',
	'src/lib/server/db/scope.security.test.ts',
	'src/lib/server/http/mpesa-hook.security.test.ts',
	'src/lib/server/network/heartbeat.test.ts',
	'src/lib/server/push/push.test.ts',
	'src/lib/server/security/safaricom-sources.security.test.ts',
	'src/lib/server/security/secret-key.security.test.ts',
	'src/lib/server/self-service/prompt-limits.security.test.ts',
	'src/routes/(app)/account/notifications/notifications.security.test.ts',
	'src/routes/(app)/manage/routers/routers.security.test.ts'
].map((path) => path.replace(/[()[\]{}*?!+@]/g, '\\$&')); // paths, not patterns: (app) is a folder

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// The user's explicit choice (cookie) wins, then the phone's language, then English.
			strategy: ['cookie', 'preferredLanguage', 'baseLocale'],
			cookieName: 'lang'
		}),
		sveltekit()
	],
	test: {
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Files run two at a time; each database file copies a template migrated once per run
		// (src/lib/server/testing/database.ts).
		pool: 'forks',
		maxWorkers: 2,
		// Most files share their worker process with the files run before them: their modules are
		// imported once per worker, not once per file, and PGlite's WebAssembly stays compiled and warm
		// (a fresh process spends seconds in both). A file that changes the environment or mocks a module
		// at import runs in a process of its own, so nothing it changes reaches another file.
		projects: [
			{
				extends: true,
				test: {
					name: 'shared',
					include: ['src/**/*.test.ts', 'tools/**/*.test.ts'],
					exclude: [...configDefaults.exclude, ...ISOLATED],
					isolate: false,
					setupFiles: ['src/lib/server/testing/shared-process.ts']
				}
			},
			{
				extends: true,
				// A process that lives for one file gains nothing from V8's optimising compiler for
				// WebAssembly: compiling PGlite's hot functions again costs more than the file's queries.
				test: { name: 'isolated', include: ISOLATED, execArgv: ['--liftoff-only'] }
			}
		],
		globalSetup: ['src/lib/server/testing/global-setup.ts'],
		reporters: ['default', './src/lib/server/testing/slowest-files.ts'],
		// Tests never touch the developer's real key file.
		env: {
			SECRET_KEY: Buffer.from('mtandao-test-key-0123456789abcde').toString('base64'),
			// The router simulators listen on loopback; tests that check the refusal set their own policy.
			ROUTER_NETWORKS: '127.0.0.0/8,::1/128',
			// The Daraja simulators listen on random loopback ports.
			MPESA_BASE_URLS: 'http://127.0.0.1:*'
		}
	}
});
