/**
 * A faithful stand-in for Safaricom's Daraja API, for tests (over real HTTP) and the demo.
 * See README.md beside this file for the endpoints and controls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { C2bService } from './c2b';
import { CallbackDispatcher } from './callbacks';
import { controlRoutes } from './control-routes';
import { DarajaError, internalServerError, methodNotAllowed, resourceNotFound } from './errors';
import { parseJsonObject, readBody, sendJson } from './http-io';
import { kenyanTimestamp } from './kenya-time';
import { MerchantDirectory, SANDBOX, stkPassword } from './merchants';
import { TokenStore } from './oauth';
import { OutcomeRules } from './outcomes';
import { darajaRoutes, type RouteAnswer } from './routes';
import type { DarajaSim, DarajaSimOptions, InjectedFault } from './sim-api';
import { StkService } from './stk';
import type { FieldRules } from './validation';

export type { DarajaSim, DarajaSimOptions, InjectedFault, StkCredentials } from './sim-api';

const MINUTE = 60_000;

export async function startDarajaSim(options: DarajaSimOptions = {}): Promise<DarajaSim> {
	const now = options.now ?? ((): Date => new Date());
	const log = options.log ?? ((): void => {});
	const fieldRules: FieldRules = {
		allowHttpCallbacks: options.allowHttpCallbacks ?? true,
		timestampToleranceMs: options.timestampToleranceMs ?? 5 * MINUTE,
		now
	};
	const shortcodes = [
		...(options.sandboxShortcode === false
			? []
			: [{ shortcode: SANDBOX.shortcode, passkey: SANDBOX.passkey }]),
		...(options.shortcodes ?? [])
	];
	const merchants = new MerchantDirectory(
		shortcodes,
		options.acceptAnyShortcode ?? false,
		SANDBOX.passkey
	);
	const tokens = new TokenStore({
		ttlMs: options.tokenTtlMs ?? 3_599_000,
		consumerKey: options.consumerKey,
		consumerSecret: options.consumerSecret,
		rotate: options.rotateTokens ?? true,
		invalidTokenStatus: options.invalidTokenStatus ?? 401,
		now
	});
	const callbackTimeoutMs = options.callbackTimeoutMs ?? 10_000;
	const dispatcher = new CallbackDispatcher(now, log);
	const rules = new OutcomeRules();
	const receipts = new Set<string>();
	const stk = new StkService(
		{
			fieldRules,
			callbackDelayMs: options.callbackDelayMs ?? 2000,
			callbackTimeoutMs,
			duplicateGapMs: options.duplicateGapMs ?? 10,
			includeBalance: options.includeBalance ?? true,
			now
		},
		merchants,
		rules,
		dispatcher,
		receipts
	);
	const c2b = new C2bService(
		{
			fieldRules,
			validationTimeoutMs: options.c2bValidationTimeoutMs ?? 8000,
			callbackTimeoutMs,
			msisdnFormat: options.c2bMsisdnFormat ?? 'plain',
			registerOnce: options.c2bRegisterOnce ?? false,
			now
		},
		dispatcher,
		receipts
	);
	const faults: Array<Required<Omit<InjectedFault, 'path'>> & { path?: string }> = [];

	const sim: DarajaSim = {
		url: '',
		port: 0,
		close: async () => {},
		setOutcome(target, spec) {
			if (target === 'next') rules.setForNext(spec);
			else if (target === 'default') rules.setDefault(spec);
			else if (/^254[17]\d{8}$/.test(target)) rules.setForPhone(target, spec);
			else stk.replan(target, spec);
		},
		clearOutcomes: () => rules.clear(),
		settle: (id) => stk.settle(id),
		releaseHeld: (order) => stk.releaseHeld(order),
		get heldCallbacks() {
			return stk.heldCallbacks();
		},
		get pushes() {
			return stk.pushes;
		},
		get deliveries() {
			return dispatcher.deliveries;
		},
		waitForDeliveries: (count, { timeoutMs = 5000, ...filter } = {}) =>
			dispatcher.waitFor(count, filter, timeoutMs),
		waitForSettled: (id, timeoutMs = 5000) => stk.waitForSettled(id, timeoutMs),
		get registrations() {
			return c2b.registrations;
		},
		payBill: (input) => c2b.payBill(input),
		injectFault: (fault) => faults.push({ ...fault, times: fault.times ?? 1 }),
		expireTokens: () => tokens.expireAll(),
		reset() {
			stk.reset();
			c2b.reset();
			rules.clear();
			dispatcher.clear();
			faults.length = 0;
		},
		shortcodes,
		credentials(shortcode = SANDBOX.shortcode) {
			const passkey =
				shortcodes.find((s) => s.shortcode === shortcode)?.passkey ??
				(options.acceptAnyShortcode ? SANDBOX.passkey : undefined);
			if (!passkey) throw new Error(`Daraja simulator: unknown shortcode ${shortcode}`);
			const Timestamp = kenyanTimestamp(now());
			return {
				BusinessShortCode: shortcode,
				Password: stkPassword(shortcode, passkey, Timestamp),
				Timestamp
			};
		}
	};

	const routes = [...darajaRoutes(tokens, stk, c2b), ...controlRoutes(sim)];

	function takeFault(path: string): DarajaError | undefined {
		const index = faults.findIndex((f) => f.path === undefined || f.path === path);
		const fault = faults[index];
		if (!fault) return undefined;
		if (--fault.times <= 0) faults.splice(index, 1);
		return new DarajaError(fault.status, fault.errorCode, fault.errorMessage);
	}

	async function answer(req: http.IncomingMessage, url: URL): Promise<RouteAnswer> {
		const onPath = routes.filter((r) => r.path === url.pathname);
		if (onPath.length === 0) throw resourceNotFound();
		const route = onPath.find((r) => r.method === req.method);
		if (!route) throw methodNotAllowed();
		try {
			if (!route.control) {
				const fault = takeFault(url.pathname);
				if (fault) throw fault;
			}
			// The gateway checks the token before it looks at the body.
			if (route.bearer) tokens.verify(req.headers.authorization);
			const body = route.method === 'POST' ? parseJsonObject(await readBody(req)) : {};
			return await route.handle({
				body,
				query: url.searchParams,
				authorization: req.headers.authorization
			});
		} catch (error) {
			if (route.control && !(error instanceof DarajaError)) {
				return {
					status: 400,
					body: { error: error instanceof Error ? error.message : String(error) }
				};
			}
			throw error;
		}
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://daraja.local');
		void answer(req, url)
			.catch((error: unknown) => {
				const refusal = error instanceof DarajaError ? error : internalServerError();
				if (!(error instanceof DarajaError)) log(`internal error: ${String(error)}`);
				return { status: refusal.status, body: refusal.toBody() };
			})
			.then(({ status, body }) => {
				// Unread request bodies (refused before reading) must not stall the socket.
				req.resume();
				sendJson(res, status, body);
				log(`${req.method} ${url.pathname} -> ${status}`);
			});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port, address } = server.address() as AddressInfo;
	const host = address.includes(':') ? `[${address}]` : address;
	sim.port = port;
	sim.url = `http://${host}:${port}`;
	sim.close = async () => {
		stk.stop();
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return sim;
}
