/**
 * Safaricom's callbacks to a tenant: the STK result and the C2B validation and confirmation.
 *
 * One transaction per callback: check the URL's token, store the body exactly as it came, then
 * apply it inside a savepoint. If applying fails, the body is still kept (marked `error`) for
 * inspection. The caller answers Safaricom only after this returns, that is after the commit.
 * Callbacks are unsigned and may come twice, out of order or never: each is matched by
 * CheckoutRequestID / receipt / TransID, a repeat changes nothing, and anything that does not fit
 * (unknown request, wrong shortcode, wrong amount) is recorded and flagged, never credited.
 */
import { timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { executeNamed, withTenant, withTenantPipelined, type Tx } from '../db';
import {
	mpesaCallbacks,
	mpesaSettings,
	payments,
	subscribers,
	type CallbackKind,
	type CallbackOutcome,
	type MpesaSettings,
	type Payment
} from '../db/schema';
import {
	C2B_ACCEPT,
	C2B_CONFIRMED,
	C2B_REJECT,
	parseC2bPayment,
	parseStkCallback,
	type StkCallback
} from '../mpesa/callbacks';
import {
	lockPayment,
	lockPaymentByCheckout,
	lockReference,
	paymentByReceipt,
	settleFailed,
	settleSucceeded
} from './settle';
import { matchSubscriber } from '../network/subscribers';
import {
	applyStkBatch,
	lockBatchPayments,
	type StkBatchItem,
	type StkBatchResult
} from './stk-batch';
import {
	recordIfPushCredited,
	settleIfPaybillCredited,
	settleWithPaybillReceipt
} from './same-transaction';
import { safeErrorText } from '../logging/safe-error';
import { isUuid } from '../../uuid';

export interface CallbackRequest {
	tenantId: string;
	token: string;
	kind: CallbackKind;
	/** The body as received (at most the request guard's limit). */
	body: string;
	contentType: string | null;
	remoteAddress: string | null;
	/** `?payment=<id>` on our STK CallBackURL: binds a result that beats the push's own answer. */
	paymentHint?: string | null;
}

export interface CallbackAnswer {
	status: number;
	body: Record<string, unknown>;
	outcome?: CallbackOutcome;
	paymentId?: string | null;
	/** A router job was queued: the caller may wake the provisioning worker. */
	provisioned?: boolean;
}

const NOT_FOUND: CallbackAnswer = { status: 404, body: { ResultCode: 1, ResultDesc: 'Not found' } };

function sameToken(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

/** An allowlist entry is an address or an IPv4 prefix like `196.201.214.0/24`. */
export function addressAllowed(allowlist: string[] | null, address: string | null): boolean {
	if (!allowlist || allowlist.length === 0) return true;
	if (!address) return false;
	const plain = address.replace(/^::ffff:/, '');
	return allowlist.some((entry) => {
		const [base, bits] = entry.split('/');
		if (!bits) return base === plain;
		const toInt = (ip: string) =>
			ip.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
		if (!/^\d+\.\d+\.\d+\.\d+$/.test(plain) || !/^\d+\.\d+\.\d+\.\d+$/.test(base!)) return false;
		const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
		return (toInt(plain) & mask) === (toInt(base!) & mask);
	});
}

/** Why a callback is turned away before anything is stored: an unknown tenant or token, or an address outside the allowlist. */
function refusal(
	settings: MpesaSettings | undefined,
	request: CallbackRequest
): CallbackAnswer | undefined {
	if (!settings || !sameToken(request.token, settings.callbackToken)) return NOT_FOUND;
	if (!addressAllowed(settings.callbackIpAllowlist, request.remoteAddress))
		return { status: 403, body: { ResultCode: 1, ResultDesc: 'Forbidden' } };
	return undefined;
}

export function handleMpesaCallback(request: CallbackRequest): Promise<CallbackAnswer> {
	if (!isUuid(request.tenantId)) return Promise.resolve(NOT_FOUND);
	if (request.kind !== 'stk') return handleOne(request);
	return new Promise((resolve, reject) => {
		let queue = queues.get(request.tenantId);
		if (!queue) queues.set(request.tenantId, (queue = { items: [], flushing: 0 }));
		queue.items.push({ request, resolve, reject });
		pump(request.tenantId, queue);
	});
}

// ---------- STK callbacks, batched per tenant ----------

interface Waiting {
	request: CallbackRequest;
	resolve: (answer: CallbackAnswer) => void;
	reject: (error: unknown) => void;
}

/**
 * Callbacks that arrive while a tenant's batch is being applied wait and go together in the next
 * one: a lone callback is applied at once, a burst in a few transactions (see stk-batch.ts).
 */
const queues = new Map<string, { items: Waiting[]; flushing: number }>();
const MAX_BATCH = 200;
const FLUSHES_AT_ONCE = 2;

/** A second batch runs beside the first only when enough callbacks wait to be worth a transaction. */
const PARALLEL_BATCH_MIN = 32;

function pump(tenantId: string, queue: { items: Waiting[]; flushing: number }): void {
	while (
		queue.flushing < FLUSHES_AT_ONCE &&
		queue.items.length > 0 &&
		(queue.flushing === 0 || queue.items.length >= PARALLEL_BATCH_MIN)
	) {
		const batch = queue.items.splice(0, MAX_BATCH);
		queue.flushing++;
		void flushBatch(tenantId, batch).finally(() => {
			queue.flushing--;
			if (queue.items.length > 0) pump(tenantId, queue);
			else if (queue.flushing === 0) queues.delete(tenantId);
		});
	}
}

async function flushBatch(tenantId: string, batch: Waiting[]): Promise<void> {
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
			`[payments] ${batch.length} callbacks not applied together (${describeDbError(error)}); applying one by one`
		);
		// Something in the batch failed (a deadlock, a constraint): nothing of it was committed, so
		// apply each callback on its own, where a failure touches only that one.
		await Promise.all(batch.map((w) => handleOne(w.request).then(w.resolve, w.reject)));
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
		const json = parseJson(request.body, request.contentType);
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

/** The tenant's M-Pesa settings, read by every callback transaction (a prepared statement). */
function settingsOf(tx: Tx, tenantId: string): Promise<MpesaSettings[]> {
	return tx
		.select()
		.from(mpesaSettings)
		.where(eq(mpesaSettings.tenantId, tenantId))
		.prepare('mpesa_settings_of_tenant')
		.execute();
}

/** One callback in its own transaction: C2B, and STK callbacks whose batch could not be applied. */
async function handleOne(request: CallbackRequest): Promise<CallbackAnswer> {
	return withTenant(request.tenantId, async (tx) => {
		const [settings] = await settingsOf(tx, request.tenantId);
		const refused = refusal(settings, request);
		if (refused || !settings) return refused ?? NOT_FOUND;
		const [stored] = await tx
			.insert(mpesaCallbacks)
			.values({
				tenantId: request.tenantId,
				kind: request.kind,
				body: request.body,
				remoteAddress: request.remoteAddress
			})
			.returning({ id: mpesaCallbacks.id });
		const record = (
			outcome: CallbackOutcome,
			fields: { paymentId?: string | null; note?: string | null; reference?: string | null } = {}
		) =>
			tx.execute(sql`update mpesa_callbacks set outcome = ${outcome}, payment_id = ${fields.paymentId ?? null},
				note = ${fields.note ?? null} where tenant_id = ${request.tenantId} and id = ${stored!.id}`);

		const json = parseJson(request.body, request.contentType);
		if (!json.ok) {
			await record('malformed', { note: json.error });
			return { status: 400, body: { ResultCode: 1, ResultDesc: json.error }, outcome: 'malformed' };
		}
		try {
			// A savepoint: if applying fails, the stored body survives the rollback.
			return await tx.transaction(async (inner) => {
				const applied = await apply(inner, settings, request, json.value);
				await inner.execute(sql`update mpesa_callbacks set outcome = ${applied.outcome}, payment_id = ${applied.paymentId ?? null},
					note = ${applied.note ?? null}, reference = ${applied.reference ?? null}
					where tenant_id = ${request.tenantId} and id = ${stored!.id}`);
				return applied.answer;
			});
		} catch (error) {
			console.error(
				`[payments] ${request.kind} callback kept but not applied: ${describeDbError(error)}`
			);
			await record('error', {
				note: error instanceof Error ? error.message.slice(0, 500) : 'failed'
			});
			return {
				status: 500,
				body: { ResultCode: 1, ResultDesc: 'Not applied; kept for inspection' },
				outcome: 'error'
			};
		}
	});
}

function parseJson(
	body: string,
	contentType: string | null
): { ok: true; value: unknown } | { ok: false; error: string } {
	if (contentType && !/^application\/json\b/i.test(contentType.trim()))
		return { ok: false, error: 'Content-Type must be application/json' };
	try {
		return { ok: true, value: JSON.parse(body) };
	} catch {
		return { ok: false, error: 'Body is not valid JSON' };
	}
}

interface Applied {
	answer: CallbackAnswer;
	outcome: CallbackOutcome;
	paymentId?: string | null;
	note?: string | null;
	reference?: string | null;
}

async function apply(
	tx: Tx,
	settings: MpesaSettings,
	request: CallbackRequest,
	body: unknown
): Promise<Applied> {
	switch (request.kind) {
		case 'stk':
			return applyStk(tx, settings, body, request.paymentHint ?? null);
		case 'c2b-validation':
			return validateC2b(tx, settings, body);
		case 'c2b-confirmation':
			return confirmC2b(tx, settings, body);
	}
}

const STK_ACK = { ResultCode: 0, ResultDesc: 'Accepted' };

function malformedAnswer(fieldErrors: Record<string, string[]>): {
	body: Record<string, unknown>;
	note: string;
} {
	return {
		body: { ResultCode: 1, ResultDesc: 'Malformed callback', errors: fieldErrors },
		note: Object.entries(fieldErrors)
			.map(([field, messages]) => `${field}: ${messages.join(', ')}`)
			.join('; ')
	};
}

function malformed(fieldErrors: Record<string, string[]>): Applied {
	const { body, note } = malformedAnswer(fieldErrors);
	return { answer: { status: 400, body, outcome: 'malformed' }, outcome: 'malformed', note };
}

function ack(
	outcome: CallbackOutcome,
	payment: Pick<Payment, 'id'> | null,
	note: string | null,
	reference: string,
	provisioned = false,
	body: Record<string, unknown> = STK_ACK
): Applied {
	return {
		answer: { status: 200, body, outcome, paymentId: payment?.id ?? null, provisioned },
		outcome,
		paymentId: payment?.id ?? null,
		note,
		reference
	};
}

async function applyStk(
	tx: Tx,
	settings: MpesaSettings,
	body: unknown,
	hint: string | null
): Promise<Applied> {
	const parsed = parseStkCallback(body);
	if (!parsed.ok) return malformed(parsed.error.fieldErrors);
	const callback = parsed.value;
	const ref = callback.checkoutRequestId;
	await lockReference(tx, 'stk', ref);
	let payment = await lockPaymentByCheckout(tx, settings.tenantId, ref);
	if (!payment && hint && isUuid(hint)) {
		// The result beat the push's own answer to us: bind it to the payment the URL names.
		const candidate = await lockPayment(tx, hint, settings.tenantId);
		if (candidate && candidate.source === 'stk' && candidate.checkoutRequestId === null) {
			[payment] = await tx
				.update(payments)
				.set({ checkoutRequestId: ref, merchantRequestId: callback.merchantRequestId })
				.where(eq(payments.id, candidate.id))
				.returning();
		}
	}
	if (!payment) return flagUnknownStk(tx, settings, callback);
	return settleStk(tx, payment, callback);
}

/** Applies an STK result (from a callback or an STK query) to a locked payment. */
export async function settleStk(
	tx: Tx,
	payment: Payment,
	callback: Pick<StkCallback, 'resultCode' | 'resultDesc' | 'receipt' | 'amount' | 'phone'>
): Promise<Applied> {
	const ref = payment.checkoutRequestId ?? payment.id;
	if (callback.resultCode !== 0) {
		if (payment.status !== 'pending')
			return ack('duplicate', payment, `already ${payment.status}`, ref);
		await settleFailed(tx, payment, callback.resultCode, callback.resultDesc);
		return ack('applied', payment, null, ref);
	}
	if (
		payment.status === 'succeeded' ||
		payment.status === 'flagged' ||
		payment.status === 'unmatched'
	) {
		// Already paid (perhaps settled by an STK query, which carries no receipt): keep the receipt, credit nothing.
		if (
			!payment.receipt &&
			callback.receipt &&
			!(await paymentByReceipt(tx, payment.tenantId, callback.receipt))
		) {
			await tx
				.update(payments)
				.set({ receipt: callback.receipt })
				.where(eq(payments.id, payment.id));
		}
		return ack('duplicate', payment, `already ${payment.status}`, ref);
	}
	// Pending, or failed by the 10-minute rule and paid after all: the money moved, so it counts.
	if (callback.receipt) {
		const other = await paymentByReceipt(tx, payment.tenantId, callback.receipt);
		// Its paybill confirmation came first and credited this push's subscriber: credited once.
		const same =
			other && (callback.amount === undefined || callback.amount === payment.amountKes)
				? await settleWithPaybillReceipt(tx, payment, callback.receipt, callback.resultDesc)
				: null;
		if (same) return ack(same.outcome, same.payment, same.note, ref);
		if (other) {
			// The money is already in, on a payment that is not simply this push's (unassigned, another
			// subscriber's, another amount). This push is closed for the manager to look at: left pending,
			// the STK query would later settle it a second time, and its answer carries no receipt to tell.
			const note = `Receipt ${callback.receipt} is already recorded on another payment`;
			await tx
				.update(payments)
				.set({
					status: 'flagged',
					resultCode: 0,
					resultDesc: callback.resultDesc,
					note,
					settledAt: new Date(),
					nextQueryAt: null
				})
				.where(eq(payments.id, payment.id));
			return ack('duplicate', other, note, ref);
		}
	}
	if (callback.amount !== undefined && callback.amount !== payment.amountKes) {
		const note = `Paid KES ${callback.amount}, expected KES ${payment.amountKes}`;
		await tx
			.update(payments)
			.set({
				status: 'flagged',
				receipt: callback.receipt ?? null,
				resultCode: 0,
				resultDesc: callback.resultDesc,
				note,
				settledAt: new Date(),
				nextQueryAt: null
			})
			.where(eq(payments.id, payment.id));
		return ack('flagged', payment, note, ref);
	}
	if (!callback.receipt) {
		// Settled by the STK query: its paybill confirmation may have credited the money already.
		const same = await settleIfPaybillCredited(tx, payment, callback.resultDesc);
		if (same) return ack(same.outcome, same.payment, same.note, ref);
	}
	const settled = await settleSucceeded(tx, payment, {
		receipt: callback.receipt ?? null,
		amountKes: payment.amountKes,
		resultDesc: callback.resultDesc
	});
	return ack('applied', payment, null, ref, settled.renewedPackageId !== null);
}

async function flagUnknownStk(
	tx: Tx,
	settings: MpesaSettings,
	callback: StkCallback
): Promise<Applied> {
	const ref = callback.checkoutRequestId;
	const note = 'No STK push of ours has this CheckoutRequestID';
	if (callback.resultCode !== 0 || !callback.receipt) return ack('flagged', null, note, ref);
	// Money may have moved: keep it visible to the manager, once per receipt.
	const existing = await paymentByReceipt(tx, settings.tenantId, callback.receipt);
	if (existing)
		return ack('duplicate', existing, `receipt ${callback.receipt} already recorded`, ref);
	const [flagged] = await tx
		.insert(payments)
		.values({
			tenantId: settings.tenantId,
			source: 'stk',
			channel: 'pay',
			status: 'flagged',
			phone: callback.phone ?? 'unknown',
			amountKes: Math.max(1, Math.trunc(callback.amount ?? 1)),
			receipt: callback.receipt,
			merchantRequestId: callback.merchantRequestId,
			resultCode: 0,
			resultDesc: callback.resultDesc,
			note: `${note} (${ref})`,
			settledAt: new Date()
		})
		.returning();
	return ack('flagged', flagged!, note, ref);
}

// ---------- C2B ----------

function shortcodeMatches(settings: MpesaSettings, shortcode: string): boolean {
	return (
		shortcode === settings.shortcode ||
		(settings.tillNumber !== null && shortcode === settings.tillNumber)
	);
}

async function validateC2b(tx: Tx, settings: MpesaSettings, body: unknown): Promise<Applied> {
	const parsed = parseC2bPayment(body);
	const reject = (
		answer: Record<string, unknown>,
		note: string,
		reference: string | null
	): Applied => ({
		answer: { status: 200, body: answer, outcome: 'rejected' },
		outcome: 'rejected',
		note,
		reference
	});
	if (!parsed.ok) {
		const amountWrong = 'TransAmount' in parsed.error.fieldErrors;
		return reject(
			amountWrong ? C2B_REJECT.invalidAmount : C2B_REJECT.other,
			parsed.error.message,
			null
		);
	}
	const payment = parsed.value;
	if (!shortcodeMatches(settings, payment.shortcode))
		return reject(
			C2B_REJECT.other,
			`Shortcode ${payment.shortcode} is not this tenant's`,
			payment.transId
		);
	if (settings.strictValidation) {
		const [byAccount] = payment.accountKey
			? await tx
					.select({ id: subscribers.id })
					.from(subscribers)
					.where(
						and(
							eq(subscribers.tenantId, settings.tenantId),
							eq(subscribers.accountNumber, payment.accountKey)
						)
					)
			: [];
		if (!byAccount)
			return reject(
				C2B_REJECT.invalidAccount,
				`No subscriber has account ${payment.billRefNumber || '(blank)'}`,
				payment.transId
			);
	}
	return {
		answer: { status: 200, body: C2B_ACCEPT, outcome: 'accepted' },
		outcome: 'accepted',
		reference: payment.transId
	};
}

async function confirmC2b(tx: Tx, settings: MpesaSettings, body: unknown): Promise<Applied> {
	const parsed = parseC2bPayment(body);
	if (!parsed.ok) return malformed(parsed.error.fieldErrors);
	const c2b = parsed.value;
	await lockReference(tx, 'c2b', c2b.transId);
	const existing = await paymentByReceipt(tx, settings.tenantId, c2b.transId);
	if (existing)
		return ack(
			'duplicate',
			existing,
			`TransID ${c2b.transId} already recorded`,
			c2b.transId,
			false,
			C2B_CONFIRMED
		);
	const base = {
		tenantId: settings.tenantId,
		source: 'c2b' as const,
		channel: 'paybill' as const,
		phone: c2b.phone ?? c2b.msisdn,
		amountKes: c2b.amount,
		accountReference: c2b.billRefNumber,
		shortcode: c2b.shortcode,
		receipt: c2b.transId,
		payerName: c2b.customerName || null,
		resultCode: 0,
		resultDesc: c2b.transactionType,
		createdAt: new Date()
	};
	if (!shortcodeMatches(settings, c2b.shortcode)) {
		const note = `Paid to shortcode ${c2b.shortcode}, which is not this tenant's`;
		const [flagged] = await tx
			.insert(payments)
			.values({ ...base, status: 'flagged', note, settledAt: new Date() })
			.returning();
		return ack('flagged', flagged!, note, c2b.transId, false, C2B_CONFIRMED);
	}
	const payer = await matchSubscriber(tx, settings.tenantId, {
		account: c2b.accountKey || null,
		phone: c2b.phone
	});
	if (payer.found) {
		// The confirmation of a push the STK query already settled and credited?
		const same = await recordIfPushCredited(tx, payer.found.id, base);
		if (same) return ack(same.outcome, same.payment, same.note, c2b.transId, false, C2B_CONFIRMED);
	}
	const [row] = await tx
		.insert(payments)
		.values({ ...base, status: 'pending' })
		.returning();
	const note = payer.found
		? null
		: `Account "${c2b.billRefNumber}" matches no subscriber${c2b.phone ? ', and the phone matches none or several' : ''}`;
	const settled = await settleSucceeded(tx, row!, {
		receipt: c2b.transId,
		amountKes: c2b.amount,
		subscriberId: payer.found?.id ?? null,
		note
	});
	return ack('applied', row!, note, c2b.transId, settled.renewedPackageId !== null, C2B_CONFIRMED);
}

/** The database's own words for a failed query (drizzle wraps them with the whole SQL text). */
function describeDbError(error: unknown): string {
	return safeErrorText(error);
}
