/** The portal's status page and its JSON share this: the payment, and once paid, getting online. */
import { deviceLoginState, portalConnection } from '$lib/server/self-service/device-login';
import { deviceFromRecord } from '$lib/server/self-service/device';
import { readPublicPayment } from '$lib/server/self-service/payment-state';

export async function portalStatus(
	tenantId: string,
	paymentId: string,
	options: { retryLogin?: boolean } = {}
) {
	const found = await readPublicPayment(tenantId, paymentId, 'portal');
	if (!found) return null;
	// The hotspot password too is for the hour after paying, not for whoever opens the history later.
	const paid =
		found.state.status === 'succeeded' && found.subscriber !== null && !found.state.detailsHidden;
	return {
		state: found.state,
		// Starts the API login on the first look after payment; later looks read how it went.
		login: paid ? deviceLoginState(tenantId, paymentId, { retry: options.retryLogin }) : null,
		connection: paid ? portalConnection(found.payment, found.subscriber!) : null,
		retryQuery: retryQuery(found.payment.device, found.subscriber?.routerId ?? null)
	};
}

/** "Try again" goes back to the packages with what MikroTik told us, so the device can still be let in. */
function retryQuery(record: Record<string, string> | null, routerId: string | null): string {
	const device = deviceFromRecord(record);
	const query = new URLSearchParams();
	if (device.mac) query.set('mac', device.mac);
	if (device.ip) query.set('ip', device.ip);
	if (device.linkLoginOnly) query.set('link-login-only', device.linkLoginOnly);
	if (device.linkOrig) query.set('link-orig', device.linkOrig);
	if (routerId) query.set('router', routerId);
	const text = query.toString();
	return text ? `?${text}` : '';
}
