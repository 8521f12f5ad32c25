/**
 * Letting the device that just paid on the captive portal through the hotspot, with
 * `/ip/hotspot/active/login` (its MAC and IP came from MikroTik's login page). The user is enabled
 * on the router by the provisioning job the payment queued, so this waits for that job first,
 * then tries for a few seconds more: a router that was busy or blinked gets another go.
 *
 * The page also posts the password to the hotspot's own login form from the browser; whichever
 * gets there first wins, and the other finds the device already online.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { withTenant } from '../db';
import { payments, provisioningJobs, type Payment, type Subscriber } from '../db/schema';
import { getSubscriber } from '../network/subscribers';
import { getRouter, routerTarget } from '../network/routers';
import { RouterCommandFailed, withRouter, type RouterTarget } from '../network/routeros/client';
import { hotspotLogin } from '../network/routeros/operations';
import { logError } from '../logging/safe-error';
import { decryptSecret } from '../security/secrets';
import { deviceFromRecord } from './device';
import { moveToPortalRouter } from './portal';

export type DeviceLoginProblem = 'no-device' | 'not-ready' | 'in-use' | 'unreachable' | 'refused';
export type DeviceLoginState =
	{ state: 'waiting' } | { state: 'done' } | { state: 'failed'; problem: DeviceLoginProblem };

export interface DeviceLoginOptions {
	/** How long to keep trying, from the first attempt. */
	deadlineMs?: number;
	pollMs?: number;
}

interface LoginPlan {
	subscriberId: string;
	routerId: string;
	target: RouterTarget;
	user: string;
	password: string;
	mac: string;
	ip: string;
}

type Planned = { ok: true; plan: LoginPlan } | { ok: false; problem: DeviceLoginProblem };

async function planLogin(tenantId: string, paymentId: string): Promise<Planned> {
	return withTenant(tenantId, async (tx) => {
		const [payment] = await tx
			.select()
			.from(payments)
			.where(
				and(
					eq(payments.id, paymentId),
					eq(payments.tenantId, tenantId),
					eq(payments.channel, 'portal'),
					eq(payments.status, 'succeeded')
				)
			);
		if (!payment?.subscriberId) return { ok: false, problem: 'refused' } as const;
		const found = await getSubscriber(tx, payment.subscriberId);
		// Paid at another hotspot than the one they last used: their user goes to this one now.
		const subscriber = found
			? await moveToPortalRouter(tx, found, payment.device?.router)
			: undefined;
		const device = deviceFromRecord(payment.device);
		if (!device.mac || !device.ip) return { ok: false, problem: 'no-device' } as const;
		const router = subscriber?.routerId ? await getRouter(tx, subscriber.routerId) : undefined;
		if (!subscriber || !router) return { ok: false, problem: 'not-ready' } as const;
		return {
			ok: true,
			plan: {
				subscriberId: subscriber.id,
				routerId: router.id,
				target: routerTarget(router),
				user: subscriber.routerUsername,
				password: decryptSecret(subscriber.routerPasswordEnc),
				mac: device.mac,
				ip: device.ip
			}
		} as const;
	});
}

async function routerChangePending(tenantId: string, plan: LoginPlan): Promise<boolean> {
	const open = await withTenant(tenantId, (tx) =>
		tx
			.select({ id: provisioningJobs.id })
			.from(provisioningJobs)
			.where(
				and(
					eq(provisioningJobs.subscriberId, plan.subscriberId),
					eq(provisioningJobs.routerId, plan.routerId),
					inArray(provisioningJobs.status, ['pending', 'running'])
				)
			)
			.limit(1)
	);
	return open.length > 0;
}

/** What a refusal means; RouterOS words it like the hotspot's errors.txt. */
function classify(error: unknown): { problem: DeviceLoginProblem; retry: boolean } {
	if (error instanceof RouterCommandFailed) {
		const text = error.message.toLowerCase();
		// A user still disabled (its job not applied yet) reads as a wrong password.
		if (text.includes('invalid username or password')) return { problem: 'not-ready', retry: true };
		if (text.includes('no more sessions')) return { problem: 'in-use', retry: false };
		return { problem: 'refused', retry: false };
	}
	return { problem: 'unreachable', retry: true };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Logs the paying device in; resolves with done or the reason it could not. */
export async function logDeviceIn(
	tenantId: string,
	paymentId: string,
	options: DeviceLoginOptions = {}
): Promise<DeviceLoginState> {
	const planned = await planLogin(tenantId, paymentId);
	if (!planned.ok) return { state: 'failed', problem: planned.problem };
	const { plan } = planned;
	const deadline = Date.now() + (options.deadlineMs ?? 20_000);
	const pollMs = options.pollMs ?? 300;
	let last: DeviceLoginProblem = 'not-ready';
	while (Date.now() < deadline) {
		if (await routerChangePending(tenantId, plan)) {
			await sleep(pollMs);
			continue;
		}
		try {
			await withRouter(plan.target, async (api) => {
				const sessions = await api.write('/ip/hotspot/active/print', [
					'=.proplist=.id,user',
					`?mac-address=${plan.mac}`
				]);
				if (sessions.some((session) => session.user === plan.user)) return;
				await hotspotLogin(api, {
					user: plan.user,
					password: plan.password,
					mac: plan.mac,
					ip: plan.ip
				});
			});
			return { state: 'done' };
		} catch (error) {
			const { problem, retry } = classify(error);
			if (!retry) return { state: 'failed', problem };
			last = problem;
			await sleep(pollMs);
		}
	}
	return { state: 'failed', problem: last };
}

const attempts = new Map<string, { result: DeviceLoginState }>();
const REMEMBER_MS = 10 * 60_000;

/**
 * Starts the login once per payment in this process and answers how it stands, so a page polling
 * every two seconds never starts a second one. `retry` forgets an outcome and starts again.
 */
export function deviceLoginState(
	tenantId: string,
	paymentId: string,
	options: DeviceLoginOptions & { retry?: boolean } = {}
): DeviceLoginState {
	const known = attempts.get(paymentId);
	if (known && !(options.retry && known.result.state === 'failed')) return known.result;
	const entry: { result: DeviceLoginState } = { result: { state: 'waiting' } };
	attempts.set(paymentId, entry);
	void logDeviceIn(tenantId, paymentId, options)
		.then(
			(result) => (entry.result = result),
			(error: unknown) => {
				logError(`[portal] logging in the device of payment ${paymentId} failed`, error);
				entry.result = { state: 'failed', problem: 'unreachable' };
			}
		)
		.finally(() =>
			setTimeout(
				() => attempts.get(paymentId) === entry && attempts.delete(paymentId),
				REMEMBER_MS
			).unref()
		);
	return entry.result;
}

export interface PortalConnection {
	/** The hotspot login, for the browser form and for logging in again later. */
	username: string;
	password: string;
	linkLoginOnly: string | null;
	linkOrig: string | null;
}

/** What the page of a paid portal payment needs to get the browser online. */
export function portalConnection(
	payment: Pick<Payment, 'device'>,
	subscriber: Pick<Subscriber, 'routerUsername' | 'routerPasswordEnc'>
): PortalConnection {
	const device = deviceFromRecord(payment.device);
	return {
		username: subscriber.routerUsername,
		password: decryptSecret(subscriber.routerPasswordEnc),
		linkLoginOnly: device.linkLoginOnly,
		linkOrig: device.linkOrig
	};
}
