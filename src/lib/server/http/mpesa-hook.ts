/** The three M-Pesa callback routes share this: read the body (bounded), apply, answer after commit. */
import { json, type RequestEvent } from '@sveltejs/kit';
import type { CallbackKind } from '../db/schema';
import { MAX_BODY_BYTES, readTextLimited } from './body';
import { handleMpesaCallback } from '../payments/apply-callbacks';
import { fromSafaricom } from '../security/safaricom-sources';

export function mpesaHook(kind: CallbackKind) {
	return async (event: RequestEvent): Promise<Response> => {
		const remoteAddress = safeAddress(event);
		// Outside MPESA_ALLOWED_IPS: refused before the body is read, so nothing is stored or credited.
		if (!fromSafaricom(remoteAddress))
			return json({ ResultCode: 1, ResultDesc: 'Forbidden' }, { status: 403 });
		const body = await readTextLimited(event.request, MAX_BODY_BYTES);
		if (!body.ok)
			return json(
				{ ResultCode: 1, ResultDesc: `The body is larger than ${MAX_BODY_BYTES} bytes` },
				{ status: 400 }
			);
		const answer = await handleMpesaCallback({
			tenantId: event.params.tenant ?? '',
			token: event.params.token ?? '',
			kind,
			body: body.text,
			contentType: event.request.headers.get('content-type'),
			remoteAddress,
			paymentHint: event.url.searchParams.get('payment')
		});
		return json(answer.body, { status: answer.status });
	};
}

function safeAddress(event: RequestEvent): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}
