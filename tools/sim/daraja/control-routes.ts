/**
 * Simulator-only endpoints under /simulate/, so that a demo or a Playwright run in another
 * process can steer the simulator the way in-process tests use the JS controls.
 */
import { z } from 'zod';
import type { Route, RouteAnswer } from './routes';
import type { DarajaSim } from './sim-api';

const deliverSchema = z.union([
	z.enum(['once', 'twice', 'never', 'hold']),
	z.number().int().min(0).max(20)
]);

const outcomeSchema = z.object({
	/** MSISDN, CheckoutRequestID, 'next' or 'default'. */
	target: z.string().min(1),
	resultCode: z.number().int().optional(),
	resultDesc: z.string().optional(),
	delayMs: z.number().int().min(0).optional(),
	deliver: deliverSchema.optional()
});

const releaseSchema = z.object({
	order: z.union([z.enum(['fifo', 'reverse']), z.array(z.string())]).optional()
});

const settleSchema = z.object({ CheckoutRequestID: z.string().min(1) });

const faultSchema = z.object({
	path: z.string().optional(),
	status: z.number().int().min(400).max(599),
	errorCode: z.string().min(1),
	errorMessage: z.string().min(1),
	times: z.number().int().min(1).optional()
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T | RouteAnswer {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	return { status: 400, body: { error: z.prettifyError(result.error) } };
}

function isAnswer(value: unknown): value is RouteAnswer {
	return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

const done = (body: unknown = { ok: true }): RouteAnswer => ({ status: 200, body });

export function controlRoutes(sim: DarajaSim): Route[] {
	const control = (method: Route['method'], path: string, handle: Route['handle']): Route => ({
		method,
		path,
		bearer: false,
		control: true,
		handle
	});
	return [
		control('POST', '/simulate/c2b', async ({ body }) => done(await sim.payBill(body))),
		control('POST', '/simulate/outcome', ({ body }) => {
			const input = parse(outcomeSchema, body);
			if (isAnswer(input)) return input;
			const { target, ...spec } = input;
			sim.setOutcome(target, spec);
			return done();
		}),
		control('POST', '/simulate/settle', async ({ body }) => {
			const input = parse(settleSchema, body);
			if (isAnswer(input)) return input;
			return done({ deliveries: await sim.settle(input.CheckoutRequestID) });
		}),
		control('POST', '/simulate/release-held', async ({ body }) => {
			const input = parse(releaseSchema, body);
			if (isAnswer(input)) return input;
			return done({ deliveries: await sim.releaseHeld(input.order) });
		}),
		control('POST', '/simulate/fault', ({ body }) => {
			const input = parse(faultSchema, body);
			if (isAnswer(input)) return input;
			sim.injectFault(input);
			return done();
		}),
		control('POST', '/simulate/expire-tokens', () => {
			sim.expireTokens();
			return done();
		}),
		control('POST', '/simulate/reset', () => {
			sim.reset();
			return done();
		}),
		control('GET', '/simulate/pushes', () => done(sim.pushes)),
		control('GET', '/simulate/deliveries', () => done(sim.deliveries)),
		control('GET', '/simulate/registrations', () => done(sim.registrations)),
		control('GET', '/simulate/held', () => done(sim.heldCallbacks))
	];
}
