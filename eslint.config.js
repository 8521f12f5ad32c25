// ESLint 9+ flat config: typescript-eslint with type information, Svelte, and Prettier owning layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
	globalIgnores([
		'build/',
		'.svelte-kit/',
		'src/lib/paraglide/',
		'drizzle/',
		'static/',
		'test-results/',
		'playwright-report/',
		'data/'
	]),
	js.configs.recommended,
	ts.configs.recommended,
	svelte.configs.recommended,
	prettier,
	svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				tsconfigRootDir: import.meta.dirname
			}
		},
		rules: {
			// TypeScript checks names; this rule does not understand types or Svelte's runes.
			'no-undef': 'off',
			// A promise nobody awaits loses its error: each one is awaited, returned, or `void`ed on purpose.
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/await-thenable': 'error',
			// The app is served at the root (no `paths.base`), so plain hrefs are the resolved ones.
			'svelte/no-navigation-without-resolve': 'off',
			// `{' · '}` keeps a separator's spaces where Prettier breaks the line.
			'svelte/no-useless-mustaches': 'off',
			// Props are often the server's row shapes; only top-level props must be used.
			'svelte/no-unused-props': ['error', { allowUnusedNestedProperties: true }],
			'@typescript-eslint/no-unnecessary-type-assertion': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
			]
		}
	},
	{
		// Product code never needs the simulators or test support: only tests and scripts do (the demo
		// starts its simulators from scripts/start.js).
		files: ['src/**/*.ts', 'src/**/*.js', 'src/**/*.svelte'],
		ignores: ['src/**/*.test.ts', 'src/lib/server/testing/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/tools/sim', '**/tools/sim/**'],
							message: 'Simulators are for tests and scripts only.'
						},
						{
							group: ['**/server/testing', '**/server/testing/**', '../testing/**', './testing/**'],
							message: 'Test support is for tests only.'
						}
					]
				}
			]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: { parser: ts.parser, svelteConfig }
		},
		rules: {
			// The linter types `{#if}` narrowing in markup less precisely than svelte-check does, and
			// calls the assertions svelte-check needs unnecessary.
			'@typescript-eslint/no-unnecessary-type-assertion': 'off'
		}
	}
);
