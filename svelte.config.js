import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// The app registers the worker itself (src/lib/pwa/register.ts, workbox-window), so that a new
		// version waits for the agent's "Update" instead of taking over mid-registration. The
		// routers' hotspot login page (static/hotspot/) is for routers, not for the phone's cache.
		serviceWorker: {
			register: false,
			files: (path) => !path.startsWith('hotspot/')
		},
		// svelte-check and the linter see the simulators, scripts and config files too.
		typescript: {
			config: (tsconfig) => {
				tsconfig.include.push(
					'../tools/**/*.ts',
					'../scripts/**/*.ts',
					'../scripts/**/*.js',
					'../playwright.config.ts',
					'../drizzle.config.ts',
					'../svelte.config.js',
					'../eslint.config.js'
				);
			}
		},
		// Scripts only from us or with the nonce SvelteKit puts on its own inline start-up script.
		// Styles may be inline: Svelte's style: directives and transitions write style attributes.
		// A page that posts to the hotspot's login page adds that origin (hooks/security-headers.ts).
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'manifest-src': ['self'],
				'worker-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
