import { getLocale } from '$lib/paraglide/runtime';

/** Times are stored in UTC and shown in Kenyan time, in the reader's language. */
export function formatDateTime(value: Date | string, timeZone = 'Africa/Nairobi'): string {
	return new Intl.DateTimeFormat(getLocale() === 'sw' ? 'sw-KE' : 'en-KE', {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone
	}).format(new Date(value));
}
