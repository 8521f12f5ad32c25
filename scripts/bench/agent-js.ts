/**
 * `agent_js_gzip_kb`: the JavaScript an agent's phone loads for `/agent`, gzipped (DESIGN.md §10,
 * target < 100). Measured on the production build (`npm start` builds it when the sources are
 * newer) in Chromium at 360×740: the demo agent logs in, `/agent` is opened in a fresh tab, and
 * every script the page loads until the network is idle (the entry, its imports, dynamic imports)
 * plus SvelteKit's inline start-up script is gzipped one by one (level 9) and summed.
 *
 * Not counted in it, and printed beside it: the service worker script (fetched once by the
 * browser, not run by the page) and what the worker precaches in the background on first install
 * (the whole app's build and static files, gzipped: the data a first install costs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
import { agentPhone, type Demo } from './demo';

function gzipKb(bytes: Buffer | string): number {
	return gzipSync(bytes, { level: 9 }).length / 1024;
}

/** Every file under `dir` (not the precompressed copies), as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
	return readdirSync(join(dir, prefix)).flatMap((name) => {
		const path = join(prefix, name);
		if (statSync(join(dir, path)).isDirectory()) return filesUnder(dir, path);
		return /\.(gz|br)$/.test(name) ? [] : [path];
	});
}

export async function benchAgentJs(demo: Demo, browser: Browser): Promise<Record<string, number>> {
	// The page's own loading, as on a first visit: nothing answered from a worker's cache.
	const context = await agentPhone(browser, demo, { serviceWorkers: 'block' });
	try {
		const page = await context.newPage();
		const scripts = new Map<string, Promise<Buffer>>();
		page.on('response', (response) => {
			// Script tags, module preloads, dynamic imports: anything the page fetched that is JavaScript.
			const javascript =
				response.request().resourceType() === 'script' ||
				/javascript/.test(response.headers()['content-type'] ?? '');
			if (javascript && !scripts.has(response.url())) scripts.set(response.url(), response.body());
		});
		await page.goto('/agent');
		if (new URL(page.url()).pathname !== '/agent') throw new Error(`/agent went to ${page.url()}`);
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.waitForLoadState('networkidle');
		const inline = await page.evaluate(() =>
			[...document.querySelectorAll('script:not([src])')].map((s) => s.textContent ?? '')
		);
		let pageKb = 0;
		for (const body of scripts.values()) pageKb += gzipKb(await body);
		for (const text of inline) pageKb += gzipKb(text);

		const worker = await context.request.get('/service-worker.js');
		const workerKb = worker.ok() ? gzipKb(await worker.body()) : 0;

		const client = 'build/client';
		let precacheKb = 0;
		for (const path of filesUnder(client)) {
			if (path === 'service-worker.js' || path.startsWith('hotspot/')) continue;
			precacheKb += gzipKb(readFileSync(join(client, path)));
		}
		console.log(
			`agent /agent: ${scripts.size} scripts + ${inline.length} inline, ${pageKb.toFixed(1)} KB gzipped`
		);
		return {
			agent_js_gzip_kb: pageKb,
			agent_js_files: scripts.size,
			service_worker_js_gzip_kb: workerKb,
			precache_gzip_kb: precacheKb
		};
	} finally {
		await context.close();
	}
}
