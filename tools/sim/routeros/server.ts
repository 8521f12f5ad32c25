/**
 * The RouterOS API simulator as a TCP (or TLS, like api-ssl) server. One server may front one
 * router, or several routers picked by the login name, the way a test needs tenants apart.
 *
 *   const sim = await startRouterSim({ identity: 'Kibera-HQ' });
 *   // connect node-routeros to sim.host:sim.port as admin with an empty password …
 *   sim.router.addHotspotSession({ user: 'alice' });
 *   sim.faults.replyDelayMs = 500;
 *   await sim.close();
 */
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { RouterFaults } from './faults';
import { SimRouter, type RouterOptions } from './router';
import { ApiSession, type SessionHost } from './session';
import { DEFAULT_VERSION, EMPTY_REPLY_VERSION } from './system-menus';

export interface RouterSimTls {
	readonly key: string | Buffer;
	readonly cert: string | Buffer;
}

/** A router reached by logging in as the map's key with this password. */
export interface UserRouterOptions extends RouterOptions {
	readonly password?: string;
}

export interface RouterSimOptions extends RouterOptions {
	/** Defaults to 127.0.0.1. */
	readonly host?: string;
	/** Defaults to 0: any free port, read it back from `sim.port`. */
	readonly port?: number;
	/** Serve api-ssl instead of plain api. */
	readonly tls?: RouterSimTls;
	/** Start in RouterOS 7.18+ mode (`!empty`); the default version then reads 7.18. */
	readonly emptyReplies?: boolean;
	/**
	 * Several routers behind one port: logging in as `alice` reaches `routersByUser.alice`.
	 * The top-level router options (version, clock, …) are defaults for each of them.
	 */
	readonly routersByUser?: Readonly<Record<string, UserRouterOptions>>;
}

export interface RouterSim {
	readonly host: string;
	readonly port: number;
	readonly tls: boolean;
	/** The router; with `routersByUser`, the first one listed. */
	readonly router: SimRouter;
	/** Routers by login name (every initial user of a single router maps to it). */
	readonly routers: Readonly<Record<string, SimRouter>>;
	/** Misbehaviour switches, settable at any time. */
	readonly faults: RouterFaults;
	/** Open API connections. */
	readonly connectionCount: number;
	/** Cuts every open connection, as a router reboot would. */
	disconnectAll(): void;
	/** Fresh routers and no faults, connections left open: for `beforeEach`. */
	reset(): void;
	/** Stops accepting: new connections get ECONNREFUSED, open ones carry on. */
	stopListening(): Promise<void>;
	/** Listens again on the same port. */
	resumeListening(): Promise<void>;
	close(): Promise<void>;
}

export async function startRouterSim(options: RouterSimOptions = {}): Promise<RouterSim> {
	const sim = new RouterSimServer(options);
	await sim.resumeListening();
	return sim;
}

/** One port per router: for tests with several tenants' routers at once. */
export function startRouterSims(list: readonly RouterSimOptions[]): Promise<RouterSim[]> {
	return Promise.all(list.map((options) => startRouterSim(options)));
}

class RouterSimServer implements RouterSim, SessionHost {
	readonly host: string;
	readonly tls: boolean;
	readonly router: SimRouter;
	readonly routers: Readonly<Record<string, SimRouter>>;
	readonly faults = new RouterFaults();
	readonly #options: RouterSimOptions;
	readonly #byLoginName: ReadonlyMap<string, SimRouter>;
	/** Raw TCP sockets, TLS ones included: destroying one ends its session. */
	readonly #sockets = new Set<Socket>();
	#server: net.Server | undefined;
	#port: number;

	constructor(options: RouterSimOptions) {
		this.#options = options;
		this.host = options.host ?? '127.0.0.1';
		this.#port = options.port ?? 0;
		this.tls = options.tls !== undefined;
		this.faults.emptyReplies = options.emptyReplies ?? false;

		const { routersByUser, emptyReplies } = options;
		const base: RouterOptions = {
			identity: options.identity,
			version: options.version ?? (emptyReplies ? EMPTY_REPLY_VERSION : DEFAULT_VERSION),
			boardName: options.boardName,
			users: options.users,
			resource: options.resource,
			now: options.now
		};
		const byLoginName = new Map<string, SimRouter>();
		if (routersByUser && Object.keys(routersByUser).length > 0) {
			for (const [name, { password, ...own }] of Object.entries(routersByUser)) {
				const users = [{ name, password: password ?? '' }, ...(own.users ?? [])];
				byLoginName.set(name, new SimRouter({ ...base, ...own, users }));
			}
		} else {
			const router = new SimRouter(base);
			for (const user of base.users ?? [{ name: 'admin' }]) byLoginName.set(user.name, router);
		}
		this.#byLoginName = byLoginName;
		this.routers = Object.freeze(Object.fromEntries(byLoginName));
		this.router = byLoginName.values().next().value as SimRouter;
	}

	get port(): number {
		return this.#port;
	}

	get connectionCount(): number {
		return this.#sockets.size;
	}

	authenticate(name: string, password: string): SimRouter | undefined {
		// Users added later over the API (an onboarding script's API user) log in too.
		const router =
			this.#byLoginName.get(name) ??
			[...new Set(this.#byLoginName.values())].find((candidate) => candidate.hasUser(name));
		return router?.login(name, password) ? router : undefined;
	}

	reset(): void {
		for (const router of new Set(this.#byLoginName.values())) router.reset();
		const emptyReplies = this.#options.emptyReplies ?? false;
		this.faults.reset();
		this.faults.emptyReplies = emptyReplies;
	}

	disconnectAll(): void {
		for (const socket of this.#sockets) socket.destroy();
	}

	async stopListening(): Promise<void> {
		const server = this.#server;
		this.#server = undefined;
		// server.close() only calls back once every connection is gone; the port is freed at once.
		server?.close();
	}

	async resumeListening(): Promise<void> {
		if (this.#server) return;
		const server = this.#createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.#port, this.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.#port = (server.address() as net.AddressInfo).port;
		this.#server = server;
	}

	async close(): Promise<void> {
		const server = this.#server;
		this.#server = undefined;
		const closed = server
			? new Promise<void>((resolve) => server.close(() => resolve()))
			: Promise.resolve();
		this.disconnectAll();
		await closed;
	}

	#createServer(): net.Server {
		const tlsOptions = this.#options.tls;
		const server = tlsOptions
			? tls.createServer({ key: tlsOptions.key, cert: tlsOptions.cert })
			: net.createServer();
		// Raw TCP sockets, before any TLS handshake: refuse or track them here.
		server.on('connection', (socket: Socket) => {
			if (this.faults.refuseConnections) {
				socket.destroy();
				return;
			}
			socket.on('error', () => undefined);
			this.#sockets.add(socket);
			socket.on('close', () => this.#sockets.delete(socket));
			if (!tlsOptions) new ApiSession(socket, this);
		});
		if (tlsOptions) {
			server.on('secureConnection', (socket: tls.TLSSocket) => new ApiSession(socket, this));
			server.on('tlsClientError', () => undefined);
		}
		return server;
	}
}
