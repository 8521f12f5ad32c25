/**
 * STK callbacks, batched per tenant: callbacks that arrive while a tenant's batch is being applied
 * wait and go together in the next one. A lone callback is applied at once, a burst in a few
 * transactions (see stk-batch.ts). A batch that fails is applied again one callback at a time.
 */
import { sql } from 'drizzle-orm';
import { executeNamed, withTenantPipelined, type Tx } from '../db';
import type { CallbackOutcome } from '../db/schema';
import { parseCallbackJson, parseStkCallback } from '../mpesa/parse-callbacks';
import { safeErrorText } from '../logging/safe-error';
import {
	STK_ACK,
	malformedAnswer,
	type CallbackAnswer,
	type CallbackRequest
} from './callback-answers';
import { refusal, settingsOf } from './callback-checks';
import { applyStk } from './apply-stk-result';
import {
	applyStkBatch,
	lockBatchPayments,
	type StkBatchItem,
	type StkBatchResult
} from './stk-batch';

interface Waiting {
	request: CallbackRequest;
	resolve: (answer: CallbackAnswer) => void;
	reject: (error: unknown) => void;
}

interface Queue {
	items: Waiting[];
	flushing: number;
	alone: (request: CallbackRequest) => Promise<CallbackAnswer>;
}

const queues = new Map<string, Queue>();
const MAX_BATCH = 200;
const FLUSHES_AT_ONCE = 2;

/** A second batch runs beside the first only when enough callbacks wait to be worth a transaction. */
const PARALLEL_BATCH_MIN = 32;

/**
 * Applies an STK callback with the others of its tenant that arrive meanwhile; `alone` applies one
 * callback in its own transaction, for a batch that could not be applied together.
 */
export function batchStkCallback(
	request: CallbackRequest,
	alone: (request: CallbackRequest) => Promise<CallbackAnswer>
): Promise<CallbackAnswer> {
	return new Promise((resolve, reject) => {
		let queue = queues.get(request.tenantId);
		if (!queue) queues.set(request.tenantId, (queue = { items: [], flushing: 0, alone }));
		queue.items.push({ request, resolve, reject });
		pump(request.tenantId, queue);
	});
}

function pump(tenantId: string, queue: Queue): void {
	while (
		queue.flushing < FLUSHES_AT_ONCE &&
		queue.items.length > 0 &&
		(queue.flushing === 0 || queue.items.length >= PARALLEL_BATCH_MIN)
	) {
		const batch = queue.items.splice(0, MAX_BATCH);
		queue.flushing++;
		void flushBatch(tenantId, batch, queue.alone).finally(() => {
			queue.flushing--;
			if (queue.items.length > 0) pump(tenantId, queue);
			else if (queue.flushing === 0) queues.delete(tenantId);
		});
	}
}

async function flushBatch(
	tenantId: string,
	batch: Waiting[],
	alone: Queue['alone']
): Promise<void> {
	let answers: CallbackAnswer[];
	try {
		answers = await withTenantPipelined(tenantId, (tx, commit) =>
			applyStkRequests(
				tx,
				tenantId,
				batch.map((w) => w.request),
				commit
			)
		);
	} catch (error) {
		console.warn(
			`[payments] ${batch.length} callbacks not applied together (${safeErrorText(error)}); applying one by one`
		);
		// Something in the batch failed (a deadlock, a constraint): nothing of it was committed, so
		// apply each callback on its own, where a failure touches only that one.
		await Promise.all(batch.map((w) => alone(w.request).then(w.resolve, w.reject)));
		return;
	}
	batch.forEach((w, i) => w.resolve(answers[i]!));
}

/** `commit` sends the COMMIT; called when the last statement has been sent (see withTenantPipelined). */
async function applyStkRequests(
	tx: Tx,
	tenantId: string,
	requests: CallbackRequest[],
	commit: () => Promise<void>
): Promise<CallbackAnswer[]> {
	// Parse first: the settings and the payments can then be read in one round trip (pipelined).
	const parsed = requests.map((request) => {
		const json = parseCallbackJson(request.body, request.contentType);
		return { json, stk: json.ok ? parseStkCallback(json.value) : null };
	});
	const items: StkBatchItem[] = [];
	const itemRequest: number[] = [];
	parsed.forEach((p, i) => {
		if (p.stk?.ok) {
			items.push({
				callbackId: i,
				callback: p.stk.value,
				paymentHint: requests[i]!.paymentHint ?? null
			});
			itemRequest.push(i);
		}
	});
	const [[settings], found] = await Promise.all([
		settingsOf(tx, tenantId),
		items.length > 0 ? lockBatchPayments(tx, tenantId, items) : Promise.resolve(new Map())
	]);
	const answers = new Array<CallbackAnswer | undefined>(requests.length);
	const records: {
		body: string;
		remote: string | null;
		outcome: CallbackOutcome;
		paymentId: string | null;
		note: string | null;
		reference: string | null;
	}[] = [];
	const admitted = requests.map((request, i) => {
		answers[i] = refusal(settings, request);
		return answers[i] === undefined;
	});
	if (!settings) return answers.map((a) => a!);
	parsed.forEach((p, i) => {
		if (!admitted[i] || p.stk?.ok) return;
		const bad = !p.json.ok
			? { note: p.json.error, body: { ResultCode: 1, ResultDesc: p.json.error } }
			: malformedAnswer(p.stk && !p.stk.ok ? p.stk.error.fieldErrors : {});
		answers[i] = { status: 400, body: bad.body, outcome: 'malformed' };
		records.push({
			body: requests[i]!.body,
			remote: requests[i]!.remoteAddress,
			outcome: 'malformed',
			paymentId: null,
			note: bad.note,
			reference: null
		});
	});
	const admittedItems = items.filter((_, k) => admitted[itemRequest[k]!]);
	const record = (i: number, result: StkBatchResult) => {
		answers[i] = {
			status: 200,
			body: STK_ACK,
			outcome: result.outcome,
			paymentId: result.paymentId,
			provisioned: result.provisioned
		};
		return {
			body: requests[i]!.body,
			remote: requests[i]!.remoteAddress,
			outcome: result.outcome,
			paymentId: result.paymentId,
			note: result.note,
			reference: result.reference
		};
	};
	// Kept as received, with what became of each, in the same commit as its effect.
	const store = (rows: typeof records) =>
		rows.length === 0
			? Promise.resolve()
			: executeNamed(
					tx,
					'stk_batch_store',
					sql`insert into mpesa_callbacks (tenant_id, kind, body, remote_address, outcome, payment_id, note, reference)
				select ${tenantId}::uuid, 'stk', v.body, v.remote, v.outcome, v."paymentId", v.note, v.reference
				from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(body text, remote text, outcome text, "paymentId" uuid, note text, reference text)`
				);
	if (admittedItems.length === 0) {
		await store(records);
		return answers.map((a) => a!);
	}
	const storedEarly = new Set<number>();
	const results = await applyStkBatch(
		tx,
		tenantId,
		admittedItems,
		found,
		async (item) => {
			const applied = await applyStk(
				tx,
				settings,
				(parsed[item.callbackId]!.json as { value: unknown }).value,
				item.paymentHint
			);
			return {
				outcome: applied.outcome,
				paymentId: applied.paymentId ?? null,
				note: applied.note ?? null,
				reference: applied.reference ?? item.callback.checkoutRequestId,
				provisioned: applied.answer.provisioned ?? false
			};
		},
		(settled) => {
			for (const { index } of settled) storedEarly.add(index);
			return store([
				...records,
				...settled.map(({ index, result }) => record(admittedItems[index]!.callbackId, result))
			]);
		},
		commit
	);
	const late: typeof records = [];
	results.forEach((result, k) => {
		const row = record(admittedItems[k]!.callbackId, result);
		if (!storedEarly.has(k)) late.push(row);
	});
	await store(late);
	return answers.map((a) => a!);
}
