/**
 * Configuration, read and validated once. Everything else asks here instead of process.env.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { modeOf, startRefusal } from './modes.js';
import { parseAddressList } from './security/address-list';

const schema = z
	.object({
		DATABASE_URL: z.string().url().optional(),
		APP_DATABASE_URL: z.string().url().optional(),
		APP_DATABASE_PASSWORD: z.string().optional(),
		DATA_DIR: z.string().default('./data'),
		MIGRATIONS_DIR: z.string().default('./drizzle'),
		NODE_ENV: z.string().default('development'),
		SEED_DEMO: z.enum(['auto', 'yes', 'no']).default('auto'),
		/** Unset: production when DATABASE_URL is set (unless SEED_DEMO=yes, for CI and e2e on Postgres), else demo. */
		MTANDAO_MODE: z.enum(['demo', 'production']).optional(),
		DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
		/** M-Pesa prompts the public pages (/pay, the captive portal) may start per tenant per day. */
		PUBLIC_PROMPTS_PER_TENANT_DAY: z.coerce.number().int().min(1).default(3000),
		/** Where the demo's simulated MikroTik listens (scripts/start.js starts it). */
		DEMO_ROUTER_HOST: z.string().default('127.0.0.1'),
		DEMO_ROUTER_PORT: z.coerce.number().int().min(1).max(65535).default(18728),
		/** Where the demo's simulated Daraja (M-Pesa) listens. */
		DEMO_MPESA_URL: z.string().url().optional(),
		DEMO_MPESA_PORT: z.coerce.number().int().min(1).max(65535).default(18089),
		/**
		 * The address Safaricom and customers reach this app at (https in production): every URL we
		 * give to an outside party is built from it. Defaults to ORIGIN, then to http://127.0.0.1:PORT.
		 */
		PUBLIC_URL: z.string().url().optional(),
		/**
		 * Safaricom's callback source addresses (comma-separated IPs or CIDR prefixes). Unset: callbacks
		 * are taken from any address (the URL's token still guards them); production start warns.
		 */
		MPESA_ALLOWED_IPS: z
			.string()
			.optional()
			.superRefine((value, ctx) => {
				const bad = value ? parseAddressList(value).bad : [];
				if (bad.length)
					ctx.addIssue({
						code: 'custom',
						message: `not an IP address or CIDR prefix: ${bad.join(', ')}`
					});
			}),
		ORIGIN: z.string().url().optional(),
		PORT: z.coerce.number().int().min(1).max(65535).optional(),
		/** Applies router jobs and expiries in this process; several processes may all run one. */
		PROVISIONING_WORKER: z.enum(['on', 'off']).default('on'),
		/** What a router's reply may hold before the connection is cut (a hostile router must not stall the server). */
		ROUTER_MAX_WORD_BYTES: z.coerce
			.number()
			.int()
			.min(1024)
			.default(1024 * 1024),
		ROUTER_MAX_SENTENCE_WORDS: z.coerce.number().int().min(16).default(10_000),
		ROUTER_MAX_REPLY_BYTES: z.coerce
			.number()
			.int()
			.min(65_536)
			.default(64 * 1024 * 1024),
		/** From the first byte of a reply sentence to its end; a router that trickles is cut after this. */
		ROUTER_SENTENCE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
		/**
		 * The operator's VPN subnets (comma list of CIDRs): the only private and CGNAT addresses a
		 * tenant's router may have. See network/router-address.ts.
		 */
		ROUTER_NETWORKS: z.string().default(''),
		/** How far apart an STK push and a paybill confirmation may be and still be one transaction (payments/same-transaction.ts). */
		MPESA_SAME_TRANSACTION_MINUTES: z.coerce
			.number()
			.int()
			.min(1)
			.max(24 * 60)
			.default(10),
		/**
		 * Daraja base URLs besides Safaricom's sandbox and production that tenants may choose (comma
		 * list of origins; `:*` allows any port). See mpesa/base-url.ts.
		 */
		MPESA_BASE_URLS: z.string().default(''),
		/**
		 * Web push (RFC 8292): this server's VAPID key pair, base64url as `npx web-push
		 * generate-vapid-keys` prints them. Unset: a pair is made at first start and kept in the database
		 * (push/vapid.ts). Set both or neither.
		 */
		VAPID_PUBLIC_KEY: z.string().optional(),
		VAPID_PRIVATE_KEY: z.string().optional(),
		/**
		 * Who push services contact about our messages: `mailto:ops@example.co.ke` or an https URL.
		 * Defaults to PUBLIC_URL when that is https; production needs one of the two.
		 */
		VAPID_SUBJECT: z
			.string()
			.regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'a mailto: address or an https URL')
			.optional()
	})
	.superRefine((env, ctx) => {
		if (!env.VAPID_PUBLIC_KEY !== !env.VAPID_PRIVATE_KEY)
			ctx.addIssue({
				code: 'custom',
				path: [env.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'],
				message: 'set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY together, or neither'
			});
	});

/**
 * The base of every URL given to an outside party (M-Pesa callback URLs, invitation links, the
 * captive portal address), from configuration only. Never from the request: behind a proxy that
 * forwards Host / X-Forwarded-Host, anyone can choose those, and would receive the callback token.
 */
export function publicUrl(): string {
	const cfg = config();
	return (cfg.PUBLIC_URL ?? cfg.ORIGIN ?? `http://127.0.0.1:${cfg.PORT ?? 3000}`).replace(
		/\/+$/,
		''
	);
}

/**
 * The VAPID subject (RFC 8292 §2.1): VAPID_SUBJECT, else PUBLIC_URL when it is https. Outside
 * production a stand-in is used (push services only read it to contact the sender); in production
 * null, and push stays off until one is set.
 */
export function vapidSubject(): string | null {
	const cfg = config();
	if (cfg.VAPID_SUBJECT) return cfg.VAPID_SUBJECT;
	const base = publicUrl();
	if (base.startsWith('https://')) return base;
	return cfg.mode === 'production' ? null : 'mailto:push@mtandao.invalid';
}

/**
 * Demo: demo seed, simulators, a DEMO banner, loopback routers allowed. Production: none of that, ever.
 * The rules live in modes.js, which scripts/start.js reads before anything is built.
 */
export type Mode = 'demo' | 'production';
export { modeOf, startRefusal } from './modes.js';

/** The environment does not parse (a setting with a wrong shape); the message names the settings. */
export class InvalidConfiguration extends Error {}

export type Config = z.infer<typeof schema> & { production: boolean; mode: Mode; demo: boolean };

let cached: Config | undefined;

export function config(): Config {
	if (!cached) {
		const parsed = schema.safeParse(process.env);
		if (!parsed.success) {
			const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
			throw new InvalidConfiguration(`Invalid configuration: ${fields.join('; ')}`);
		}
		cached = {
			...parsed.data,
			DATA_DIR: resolve(parsed.data.DATA_DIR),
			MIGRATIONS_DIR: resolve(parsed.data.MIGRATIONS_DIR),
			production: parsed.data.NODE_ENV === 'production',
			mode: modeOf(parsed.data),
			demo: modeOf(parsed.data) === 'demo'
		};
	}
	return cached;
}

/** Why this process's environment must not start (modes.js), or null when it may. */
export function environmentStartRefusal(): string | null {
	return startRefusal(process.env);
}

/** adapter-node reads HOST once start-up is done: the demo answers this machine only unless told. */
export function listenOnLoopbackInDemo(): void {
	if (config().demo && !process.env.HOST) process.env.HOST = '127.0.0.1';
}

/**
 * The key that encrypts secrets at rest: SECRET_KEY (32 bytes in base64), else the file named by
 * SECRET_KEY_FILE (default ~/.config/mtandao/secret.key). Read on each call, not cached with the
 * rest: security/secrets.ts keeps the key once it has loaded it.
 */
export function secretKeySource(): { key: string | undefined; file: string } {
	return {
		key: process.env.SECRET_KEY || undefined,
		file: process.env.SECRET_KEY_FILE ?? join(homedir(), '.config', 'mtandao', 'secret.key')
	};
}
