/**
 * Sends what notify.ts queued, after the commit: claims due deliveries with FOR UPDATE SKIP LOCKED
 * (several processes may run a sender), encrypts each for its device with web-push, posts it to
 * the push service (transport.ts), and records the answer: 2xx done, 404/410 the subscription is
 * gone and removed, other failures retried with backoff until parked. Also runs the watch
 * (routers offline, failed jobs, trimming the lists) every few seconds.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import webpush from 'web-push';
import { vapidSubject } from '../config';
import { rowsOf, withTenant } from '../db';
import type { NotificationKind } from '../db/schema';
import { backoffMs, type JobClock, type RetryPolicy } from '../network/jobs';
import { safeErrorText, scrubLogText } from '../logging/safe-error';
import { PLATFORM_TENANT_ID } from '../tenants/root';
import { EndpointRefused, type EndpointCheck } from './endpoint';
import { onNotificationsQueued } from './notify';
import { notificationText, ttlOf, urgencyOf, type NotificationData } from './render';
import { postToPushService } from './transport';
import { vapidKeys } from './vapid';
import {
	OFFLINE_AFTER_MS,
	announceFailedJobs,
	announceOfflineRouters,
	trimNotificationLists
} from './watch';

export interface SenderOptions {
	retry?: Partial<RetryPolicy>;
	idleMs?: number;
	batch?: number;
	/** How often routers and failed jobs are looked at; 0 turns the watch off. */
	watchEveryMs?: number;
	offlineAfterMs?: number;
	/** What "now" is to the watch; a test moves it on instead of waiting (the database's by default). */
	clock?: JobClock;
	endpoint?: EndpointCheck;
	log?: (line: string) => void;
}

export const PUSH_RETRY: RetryPolicy = {
	baseMs: 5_000,
	capMs: 10 * 60_000,
	maxAttempts: 10,
	leaseMs: 60_000
};

/** The browser shows at most a few lines; the payload stays far below the 4 KB push services take. */
const MAX_PAYLOAD_BYTES = 3000;

interface Due {
	tenant_id: string;
	id: string | number;
	attempts: number;
	kind: NotificationKind | null;
	data: NotificationData | string | null;
	url: string | null;
	notification_id: string | number;
	subscription_id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	locale: string | null;
}

/** The JSON the service worker's push handler reads (src/service-worker/push.ts). */
export function pushPayload(
	notificationId: number,
	kind: NotificationKind,
	data: NotificationData,
	url: string,
	locale: string | null
): string {
	const { title, body } = notificationText(kind, data, locale);
	const payload = {
		title: title.slice(0, 120),
		body: body.slice(0, 400),
		url,
		tag: `${kind}-${notificationId}`,
		kind,
		id: notificationId
	};
	const text = JSON.stringify(payload);
	return Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES
		? text
		: JSON.stringify({ ...payload, body: payload.body.slice(0, 100) });
}

export class PushSender {
	readonly id: string;
	private readonly retry: RetryPolicy;
	private running = false;
	private loop: Promise<void> | undefined;
	private wake: (() => void) | undefined;
	private poked = false;
	private stopListening: (() => void) | undefined;
	private watchTimer: ReturnType<typeof setInterval> | undefined;
	private watching: Promise<unknown> | undefined;
	private trimmedTo = 0;

	constructor(private readonly options: SenderOptions = {}) {
		this.id = `push-${process.pid}-${randomUUID().slice(0, 8)}`;
		this.retry = { ...PUSH_RETRY, ...options.retry };
	}

	start(): void {
		if (this.running) return;
		this.running = true;
		this.stopListening = onNotificationsQueued(() => this.poke());
		this.loop = this.run();
		const every = this.options.watchEveryMs ?? 15_000;
		if (every > 0)
			this.watchTimer = setInterval(() => {
				this.watching ??= this.watchNow()
					.catch((e) => this.log(`watch failed: ${safeErrorText(e)}`))
					.finally(() => (this.watching = undefined));
			}, every);
	}

	async stop(): Promise<void> {
		this.running = false;
		this.stopListening?.();
		clearInterval(this.watchTimer);
		this.wake?.();
		await Promise.all([this.loop, this.watching]);
	}

	poke(): void {
		this.poked = true;
		this.wake?.();
	}

	/** Routers offline, failed jobs, trimming: what the timer runs. */
	async watchNow(): Promise<void> {
		await withTenant(PLATFORM_TENANT_ID, async (tx) => {
			await announceOfflineRouters(
				tx,
				this.options.offlineAfterMs ?? OFFLINE_AFTER_MS,
				this.options.clock?.now()
			);
			await announceFailedJobs(tx);
		});
		this.trimmedTo = await withTenant(PLATFORM_TENANT_ID, (tx) =>
			trimNotificationLists(tx, this.trimmedTo)
		);
	}

	/** Claims and sends one round; returns how many deliveries it handled. */
	async runOnce(): Promise<number> {
		const due = await withTenant(PLATFORM_TENANT_ID, async (tx) =>
			rowsOf<Due>(
				await tx.execute(sql`with due as (
					select tenant_id, id from push_deliveries
					where (status = 'pending' and run_after <= now()) or (status = 'running' and locked_until < now())
					order by run_after, id limit ${this.options.batch ?? 20}
					for update skip locked),
				claimed as (
					update push_deliveries d set status = 'running', attempts = d.attempts + 1,
						locked_until = now() + make_interval(secs => ${this.retry.leaseMs / 1000})
					from due where d.tenant_id = due.tenant_id and d.id = due.id
					returning d.tenant_id, d.id, d.attempts, d.notification_id, d.subscription_id)
				select c.*, n.kind, n.data, n.url, ps.endpoint, ps.p256dh, ps.auth, u.locale
				from claimed c
				join push_subscriptions ps on ps.id = c.subscription_id
				join users u on u.id = ps.user_id
				left join notifications n on n.id = c.notification_id and n.user_id = ps.user_id`)
			)
		);
		if (due.length === 0) return 0;
		const keys = await vapidKeys();
		const subject = vapidSubject();
		await Promise.all(due.map((d) => this.send(d, keys, subject)));
		return due.length;
	}

	private async send(
		d: Due,
		keys: { publicKey: string; privateKey: string },
		subject: string | null
	): Promise<void> {
		const id = Number(d.id);
		// Trimmed from the list, or its reader is no longer this device's: nothing to send.
		if (!d.kind || !d.url) return this.finish(d, 'drop');
		if (!subject) return this.finish(d, 'failed', 'VAPID_SUBJECT or an https PUBLIC_URL is needed');
		const data = (typeof d.data === 'string' ? JSON.parse(d.data) : d.data) as NotificationData;
		try {
			const request = webpush.generateRequestDetails(
				{ endpoint: d.endpoint, keys: { p256dh: d.p256dh, auth: d.auth } },
				pushPayload(Number(d.notification_id), d.kind, data, d.url, d.locale),
				{
					vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
					TTL: ttlOf(d.kind),
					urgency: urgencyOf(d.kind),
					contentEncoding: 'aes128gcm'
				}
			);
			const answer = await postToPushService(
				{ ...request, body: request.body ?? null },
				this.options.endpoint
			);
			if (answer.status >= 200 && answer.status < 300) return this.finish(d, 'sent');
			// The subscription has expired or was unsubscribed (RFC 8030 §7.3): it will never work again.
			if (answer.status === 404 || answer.status === 410) return this.finish(d, 'gone');
			const error = `push service answered ${answer.status}`;
			// A request it will refuse again (too large, malformed, keys it does not know): not retried.
			const retriable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
			return this.finish(d, retriable ? 'retry' : 'failed', error);
		} catch (error) {
			if (error instanceof EndpointRefused) return this.finish(d, 'failed', error.message);
			this.log(`delivery ${id}: ${safeErrorText(error)}`);
			return this.finish(d, 'retry', safeErrorText(error));
		}
	}

	private async finish(
		d: Due,
		outcome: 'sent' | 'gone' | 'retry' | 'failed' | 'drop',
		error?: string
	): Promise<void> {
		const parked =
			outcome === 'failed' || (outcome === 'retry' && d.attempts >= this.retry.maxAttempts);
		await withTenant(d.tenant_id, async (tx) => {
			const delivery = sql`tenant_id = ${d.tenant_id} and id = ${Number(d.id)}`;
			if (outcome === 'sent') {
				await tx.execute(sql`delete from push_deliveries where ${delivery}`);
				await tx.execute(
					sql`update push_subscriptions set last_success_at = now() where id = ${d.subscription_id}`
				);
			} else if (outcome === 'gone') {
				// Its other deliveries go with it (on delete cascade).
				await tx.execute(sql`delete from push_subscriptions where id = ${d.subscription_id}`);
			} else if (outcome === 'drop') {
				await tx.execute(sql`delete from push_deliveries where ${delivery}`);
			} else if (parked) {
				await tx.execute(sql`update push_deliveries set status = 'failed', locked_until = null,
					last_error = ${(error ?? '').slice(0, 300)}, finished_at = now() where ${delivery}`);
			} else {
				const wait = backoffMs(d.attempts, this.retry);
				await tx.execute(sql`update push_deliveries set status = 'pending', locked_until = null,
					last_error = ${(error ?? '').slice(0, 300)},
					run_after = now() + make_interval(secs => ${wait / 1000}) where ${delivery}`);
			}
		});
		if (outcome === 'gone' || parked)
			this.log(
				`delivery ${d.id}: ${outcome === 'gone' ? 'subscription gone, removed' : `parked: ${scrubLogText(error ?? '')}`}`
			);
	}

	private async run(): Promise<void> {
		while (this.running) {
			let handled = 0;
			this.poked = false;
			try {
				handled = await this.runOnce();
			} catch (error) {
				this.log(`claim failed: ${safeErrorText(error)}`);
			}
			if (handled === 0 && this.running && !this.poked) {
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, this.options.idleMs ?? 1000);
					this.wake = () => {
						clearTimeout(timer);
						resolve();
					};
				});
				this.wake = undefined;
			}
		}
	}

	private log(line: string): void {
		(this.options.log ?? console.warn)(`[push] ${line}`);
	}
}
