/**
 * A notification in words, in the reader's language: the same for the push (title and body on the
 * lock screen) and the in-app list. Facts are kept, sentences are made when shown.
 */
import { m } from '$lib/paraglide/messages';
import type { NotificationKind } from '../db/schema';

type Locale = 'en' | 'sw';
export type NotificationData = Record<string, string | number | null>;

export interface NotificationText {
	title: string;
	body: string;
}

const text = (value: string | number | null | undefined) => String(value ?? '');

/** "KES 1,500" the same way in both languages. */
const kes = (amount: unknown) => `KES ${Number(amount ?? 0).toLocaleString('en-KE')}`;

export function notificationText(
	kind: NotificationKind,
	data: NotificationData,
	locale: string | null | undefined
): NotificationText {
	const options: { locale: Locale } = { locale: locale === 'sw' ? 'sw' : 'en' };
	switch (kind) {
		case 'payment':
			return {
				title: m.push_payment_title({ amount: kes(data.amount) }, options),
				body:
					data.via === 'cash'
						? m.push_payment_cash_body(
								{ subscriber: text(data.subscriber), account: text(data.account) },
								options
							)
						: m.push_payment_body(
								{
									subscriber: text(data.subscriber),
									account: text(data.account),
									receipt: text(data.receipt)
								},
								options
							)
			};
		case 'unmatched_payment':
			return {
				title: m.push_unmatched_title({ amount: kes(data.amount) }, options),
				body: m.push_unmatched_body(
					{ account: text(data.account), receipt: text(data.receipt) },
					options
				)
			};
		case 'router_offline':
			return {
				title: m.push_router_offline_title({ router: text(data.router) }, options),
				body: m.push_router_offline_body({}, options)
			};
		case 'job_failed':
			return {
				title: m.push_job_failed_title({ router: text(data.router) }, options),
				body: data.subscriber
					? m.push_job_failed_body({ subscriber: text(data.subscriber) }, options)
					: m.push_job_failed_body_package({}, options)
			};
	}
}

/** Urgency (RFC 8030 §5.3): money wakes the phone; the rest may wait for it to be in use. */
export const urgencyOf = (kind: NotificationKind) =>
	kind === 'payment' || kind === 'unmatched_payment' ? ('high' as const) : ('normal' as const);

/** How long a push service keeps trying an offline phone (RFC 8030 §5.2), in seconds. */
export const ttlOf = (kind: NotificationKind) => (kind === 'router_offline' ? 3600 : 24 * 3600);
