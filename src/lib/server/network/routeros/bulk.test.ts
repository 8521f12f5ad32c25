import { describe, expect, it } from 'vitest';
import { RouterUnreachable } from './client';
import {
	MENUS,
	ensureProfile,
	ensureUser,
	ensureUsersPipelined,
	type UserSpec
} from './operations';
import { useSimulatedRouters } from '../../testing/routers';

const simulatedRouter = useSimulatedRouters();

const subscriber = (i: number, profile = 'daily-5m'): UserSpec => ({
	name: `sub-${i}`,
	password: `pw-${i * 7919}`,
	profile,
	disabled: false,
	comment: `subscriber ${i}`
});

const ourUsers = (rows: Record<string, string>[]) =>
	rows.filter((row) => row.name?.startsWith('sub-'));

describe.each(['hotspot', 'pppoe'] as const)('%s bulk provisioning', (kind) => {
	const menu = MENUS[kind].users;

	it('provisions 500 new subscribers with many commands in flight, ending with exactly 500', async () => {
		const router = await simulatedRouter();
		const api = await router.connect();
		await ensureProfile(api, kind, { name: 'daily-5m', rateLimit: '2M/5M' });
		let inFlight = 0;
		let mostInFlight = 0;
		router.sim.faults.replyDelayMs = () => {
			inFlight++;
			mostInFlight = Math.max(mostInFlight, inFlight);
			setImmediate(() => inFlight--);
			return 1;
		};
		const users = Array.from({ length: 500 }, (_, i) => subscriber(i));
		expect(await ensureUsersPipelined(api, kind, users, { concurrency: 50 })).toEqual({
			added: 500,
			updated: 0,
			unchanged: 0,
			failed: []
		});
		expect(ourUsers(router.sim.router.rows(menu))).toHaveLength(500);
		expect(new Set(router.sim.router.rows(menu).map((row) => row.name)).size).toBe(
			router.sim.router.rows(menu).length
		);
		expect(mostInFlight).toBeGreaterThan(10);
		expect(router.sim.router.row(menu, 'sub-499')).toMatchObject({
			password: `pw-${499 * 7919}`,
			profile: 'daily-5m',
			comment: 'subscriber 499'
		});
	});

	it('ends in the same state as ensureUser one by one, and a second run changes nothing', async () => {
		const one = await simulatedRouter();
		const many = await simulatedRouter();
		const batch = [
			...Array.from({ length: 60 }, (_, i) => subscriber(i)),
			{ ...subscriber(3), disabled: true },
			{ ...subscriber(7), profile: 'weekly-10m' },
			{ ...subscriber(3), comment: 'given twice: the last one wins' }
		];
		for (const router of [one, many]) {
			const api = await router.connect();
			await ensureProfile(api, kind, { name: 'daily-5m', rateLimit: '2M/5M' });
			await ensureProfile(api, kind, { name: 'weekly-10m', rateLimit: '5M/10M' });
			// Some already there, one of them stale.
			await ensureUser(api, kind, subscriber(10));
			await ensureUser(api, kind, subscriber(11, 'weekly-10m'));
		}
		const sequentially = await one.connect();
		for (const user of batch) await ensureUser(sequentially, kind, user);
		const pipelined = await many.connect();
		expect(await ensureUsersPipelined(pipelined, kind, batch, { concurrency: 16 })).toEqual({
			added: 58,
			updated: 1,
			unchanged: 1,
			failed: []
		});

		const withoutIds = (rows: Record<string, string>[]) =>
			rows
				.map(({ '.id': _id, ...row }) => row)
				.sort((a, b) => String(a.name).localeCompare(String(b.name)));
		expect(withoutIds(many.sim.router.rows(menu))).toEqual(withoutIds(one.sim.router.rows(menu)));

		const adds = many.sim.router.commandCount(`${menu}/add`);
		const sets = many.sim.router.commandCount(`${menu}/set`);
		expect(await ensureUsersPipelined(pipelined, kind, batch, { concurrency: 16 })).toEqual({
			added: 0,
			updated: 0,
			unchanged: 60,
			failed: []
		});
		expect(many.sim.router.commandCount(`${menu}/add`)).toBe(adds);
		expect(many.sim.router.commandCount(`${menu}/set`)).toBe(sets);
	});

	it('reports the subscribers RouterOS refuses and provisions the rest', async () => {
		const router = await simulatedRouter();
		const api = await router.connect();
		await ensureProfile(api, kind, { name: 'daily-5m', rateLimit: '2M/5M' });
		const users = [subscriber(1), subscriber(2, 'no-such-package'), subscriber(3)];
		const outcome = await ensureUsersPipelined(api, kind, users, { concurrency: 3 });
		expect(outcome).toMatchObject({ added: 2, updated: 0, unchanged: 0 });
		expect(outcome.failed).toEqual([
			{
				name: 'sub-2',
				error: expect.objectContaining({
					name: 'RouterCommandFailed',
					message: 'input does not match any value of profile'
				})
			}
		]);
	});

	it('stops on a lost connection, and a retry on a new one finishes the job', async () => {
		const router = await simulatedRouter();
		const first = await router.connect();
		await ensureProfile(first, kind, { name: 'daily-5m', rateLimit: '2M/5M' });
		const users = Array.from({ length: 200 }, (_, i) => subscriber(i));
		router.sim.faults.dropAfterCommands = 150;
		await expect(
			ensureUsersPipelined(first, kind, users, { concurrency: 20 })
		).rejects.toBeInstanceOf(RouterUnreachable);
		const partial = ourUsers(router.sim.router.rows(menu)).length;
		expect(partial).toBeGreaterThan(0);
		expect(partial).toBeLessThan(200);

		const retry = await router.connect();
		const outcome = await ensureUsersPipelined(retry, kind, users, { concurrency: 20 });
		expect(outcome.added + outcome.unchanged).toBe(200);
		expect(ourUsers(router.sim.router.rows(menu))).toHaveLength(200);
	});
});
