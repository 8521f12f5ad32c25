import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';

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
		include: ['src/**/*.test.ts', 'tools/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Files run two at a time, each in a process of its own; each database file copies a template
		// migrated once per run (src/lib/server/testing/database.ts).
		pool: 'forks',
		maxWorkers: 2,
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
