/**
 * For payment specs and the benchmark: an HTTP server that answers our callback URLs with the same
 * code the SvelteKit routes call (so the Daraja simulator posts to us over real HTTP), and a tenant
 * with a router, packages, subscribers and M-Pesa settings pointed at a simulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTenant } from '../db';
import type { CallbackKind } from '../db/schema';
import { MAX_BODY_BYTES } from '../http/body';
import { createPackage } from '../network/packages';
import { createRouter } from '../network/routers';
import { registerSubscriber } from '../network/subscribers';
import { saveMpesaSettings } from '../mpesa/settings';
import { createTenant } from '../tenants/tenants';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { handleMpesaCallback, type CallbackAnswer } from '../payments/apply-callbacks';

export interface HookServer {
	url: string;
	answers: CallbackAnswer[];
	close(): Promise<void>;
	/** Called after each answer is sent. */
	onAnswer?: (answer: CallbackAnswer) => void;
}

const ROUTE =
	/^\/hooks\/(?:daraja|mpesa)\/([^/]+)\/([^/]+)\/(stk|c2b\/validation|c2b\/confirmation)$/;
const KINDS: Record<string, CallbackKind> = {
	stk: 'stk',
	'c2b/validation': 'c2b-validation',
	'c2b/confirmation': 'c2b-confirmation'
};

export async function startHookServer(): Promise<HookServer> {
	const answers: CallbackAnswer[] = [];
	const hooks: HookServer = { url: '', answers, close: async () => undefined };
	const server: Server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const match = ROUTE.exec(url.pathname);
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		request.on('end', () => {
			void (async () => {
				let answer: CallbackAnswer;
				if (!match || request.method !== 'POST')
					answer = { status: 404, body: { ResultCode: 1, ResultDesc: 'Not found' } };
				else if (size > MAX_BODY_BYTES)
					answer = { status: 400, body: { ResultCode: 1, ResultDesc: 'Too large' } };
				else
					answer = await handleMpesaCallback({
						tenantId: match[1]!,
						token: match[2]!,
						kind: KINDS[match[3]!]!,
						body: Buffer.concat(chunks).toString('utf8'),
						contentType: request.headers['content-type'] ?? null,
						remoteAddress: request.socket.remoteAddress ?? null,
						paymentHint: url.searchParams.get('payment')
					}).catch((error: unknown) => ({
						status: 500,
						body: { ResultCode: 1, ResultDesc: String(error) }
					}));
				answers.push(answer);
				response.writeHead(answer.status, { 'Content-Type': 'application/json' });
				response.end(JSON.stringify(answer.body));
				hooks.onAnswer?.(answer);
			})();
		});
	});
	server.keepAliveTimeout = 5_000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	hooks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	hooks.close = () =>
		new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return hooks;
}

export interface PaymentFixture {
	tenantId: string;
	routerId: string;
	dailyId: string;
	hourId: string;
	callbackToken: string;
	/** Registers a hotspot subscriber on the Daily package. */
	subscriber(
		phone: string,
		name?: string
	): Promise<{ id: string; accountNumber: string; routerUsername: string; phone: string }>;
}

export async function paymentTenant(options: {
	slug: string;
	darajaUrl: string;
	routerHost?: string;
	routerPort?: number;
	strict?: boolean;
	shortcode?: string;
	parentId?: string;
}): Promise<PaymentFixture> {
	const parentId = options.parentId ?? PLATFORM_TENANT_ID;
	const kind = options.parentId ? 'reseller' : 'isp';
	const tenantId = (
		await createTenant(
			parentId,
			{ name: `Pay ${options.slug}`, slug: options.slug, parentId, kind },
			{ userId: undefined as unknown as string, name: 'test' }
		)
	).id;
	return withTenant(tenantId, async (tx) => {
		const routerId = (
			await createRouter(tx, tenantId, {
				name: 'HQ',
				host: options.routerHost ?? '127.0.0.1',
				port: options.routerPort ?? 1,
				tls: false,
				username: 'admin',
				password: '',
				hotspotServer: 'all'
			})
		).id;
		const dailyId = (
			await createPackage(tx, tenantId, {
				name: 'Daily',
				kind: 'hotspot',
				priceKes: 50,
				validityUnit: 'days',
				validityCount: 1,
				rateLimit: '2M/5M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
		const hourId = (
			await createPackage(tx, tenantId, {
				name: '1 Hour',
				kind: 'hotspot',
				priceKes: 10,
				validityUnit: 'hours',
				validityCount: 1,
				rateLimit: '1M/2M',
				dataCapMb: null,
				sharedDevices: 1
			})
		).id;
		const settings = await saveMpesaSettings(
			tx,
			tenantId,
			{
				kind: 'paybill',
				shortcode: options.shortcode ?? '174379',
				tillNumber: null,
				consumerKey: 'test-consumer-key',
				consumerSecret: 'test-consumer-secret',
				passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
				environment: 'custom',
				baseUrl: options.darajaUrl,
				callbackIpAllowlist: null,
				strictValidation: options.strict ?? false
			},
			null
		);
		return {
			tenantId,
			routerId,
			dailyId,
			hourId,
			callbackToken: settings.callbackToken,
			subscriber: (phone: string, name = 'Test Customer') =>
				withTenant(
					tenantId,
					async (inner) =>
						(
							await registerSubscriber(inner, {
								tenantId,
								name,
								phone,
								kind: 'hotspot',
								routerId,
								packageId: dailyId,
								registeredBy: null
							})
						).subscriber
				)
		};
	});
}
