/**
 * A stand-in for deploying a new version: a proxy in front of the test server that passes
 * everything through, except that the service worker script can be given different bytes (as a new
 * build's would be). The browser reaches the app through the proxy's own origin, so its worker
 * registration is this spec's alone.
 */
import { createServer, request as forward, type Server } from 'node:http';

export interface DeploymentProxy {
	url: string;
	/** From now on the worker script ends with this deployment's mark. */
	deploy(mark: string): void;
	close(): Promise<void>;
}

export async function startDeploymentProxy(target: string): Promise<DeploymentProxy> {
	const upstream = new URL(target);
	let mark = '';
	const server: Server = createServer((incoming, outgoing) => {
		const headers = { ...incoming.headers, host: upstream.host };
		// The app checks that a form comes from its own origin (ORIGIN): it does, through us.
		if (headers.origin) headers.origin = upstream.origin;
		const isWorker = incoming.url?.split('?')[0] === '/service-worker.js';
		if (isWorker) delete headers['accept-encoding'];
		const proxied = forward(
			{
				host: upstream.hostname,
				port: upstream.port,
				method: incoming.method,
				path: incoming.url,
				headers
			},
			(answer) => {
				if (!isWorker) {
					outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(outgoing);
					return;
				}
				const chunks: Buffer[] = [];
				answer.on('data', (c: Buffer) => chunks.push(c));
				answer.on('end', () => {
					const body = Buffer.concat([...chunks, Buffer.from(mark ? `\n// ${mark}\n` : '')]);
					const { etag: _etag, 'last-modified': _modified, ...rest } = answer.headers;
					outgoing.writeHead(answer.statusCode ?? 502, {
						...rest,
						'content-length': String(body.length),
						'cache-control': 'no-cache'
					});
					outgoing.end(body);
				});
			}
		);
		proxied.on('error', () => outgoing.destroy());
		incoming.pipe(proxied);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		deploy: (next) => {
			mark = next;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
