/**
 * Safaricom's callbacks to a tenant: the STK result and the C2B validation and confirmation.
 *
 * One transaction per callback: check the URL's token, store the body exactly as it came, then
 * apply it inside a savepoint. If applying fails, the body is still kept (marked `error`) for
 * inspection. The caller answers Safaricom only after this returns, that is after the commit.
 * Callbacks are unsigned and may come twice, out of order or never: each is matched by
 * CheckoutRequestID / receipt / TransID, a repeat changes nothing, and anything that does not fit
 * (unknown request, wrong shortcode, wrong amount) is recorded and flagged, never credited.
 * STK callbacks go in batches per tenant (stk-callback-batch.ts).
 */
import { sql } from 'drizzle-orm';
import { withTenant, type Tx } from '../db';
import { mpesaCallbacks, type CallbackOutcome, type MpesaSettings } from '../db/schema';
import { parseCallbackJson } from '../mpesa/parse-callbacks';
import { safeErrorText } from '../logging/safe-error';
import { isUuid } from '../../uuid';
import {
	NOT_FOUND,
	type Applied,
	type CallbackAnswer,
	type CallbackRequest
} from './callback-answers';
import { refusal, settingsOf } from './callback-checks';
import { applyStk } from './apply-stk-result';
import { confirmC2b, validateC2b } from './apply-c2b';
import { batchStkCallback } from './stk-callback-batch';

export type { CallbackAnswer, CallbackRequest } from './callback-answers';

export function handleMpesaCallback(request: CallbackRequest): Promise<CallbackAnswer> {
	if (!isUuid(request.tenantId)) return Promise.resolve(NOT_FOUND);
	if (request.kind !== 'stk') return handleOne(request);
	return batchStkCallback(request, handleOne);
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

		const json = parseCallbackJson(request.body, request.contentType);
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
				`[payments] ${request.kind} callback kept but not applied: ${safeErrorText(error)}`
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
