/**
 * What an agent's phone queues while offline and POSTs to /agent/sync later, as zod rules the
 * phone and the server share (no server imports here): the phone checks an item before queueing
 * it, the server checks it again when it arrives, with the same messages in the agent's language.
 */
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { subscriberKind, subscriberName, subscriberPhone } from '$lib/subscriber-fields';

/** One request to /agent/sync carries at most this many items and this many bytes of JSON. */
export const SYNC_MAX_ITEMS = 50;
export const SYNC_MAX_BYTES = 512 * 1024;

/** The largest cash amount an agent may record at once (M-Pesa's own ceiling per transaction). */
export const CASH_MAX_KES = 150_000;

/** Absent, or text up to `max` characters; blank counts as absent. */
const optionalText = (max: number) =>
	z
		.string({ error: () => m.error_too_long() })
		.trim()
		.max(max, { error: () => m.error_too_long() })
		.optional()
		.transform((v) => (v ? v : undefined));

/** Absent, or a coordinate within range (the GPS fills these; a person never types them). */
const coordinate = (limit: number) =>
	z
		.number({ error: () => m.error_location() })
		.refine((v) => Number.isFinite(v) && Math.abs(v) <= limit, { error: () => m.error_location() })
		.optional();

/** A subscriber registered on the phone. */
export const registrationItem = z
	.object({
		name: subscriberName,
		phone: subscriberPhone,
		kind: subscriberKind,
		packageId: z.uuid({ error: () => m.error_choose() }),
		/** Absent when the tenant has one router in service: the server picks it. */
		routerId: z.uuid({ error: () => m.error_choose() }).optional(),
		latitude: coordinate(90),
		longitude: coordinate(180),
		idNumber: optionalText(20),
		notes: optionalText(500)
	})
	.refine((v) => (v.latitude === undefined) === (v.longitude === undefined), {
		path: ['latitude'],
		error: () => m.error_location()
	});

/** Whole shillings: a number, or digits as typed ("1500", "1,500", "1 500"). */
const shillings = z.preprocess(
	(v) => {
		if (typeof v !== 'string') return v;
		const digits = v.trim().replace(/[\s,]/g, '');
		return /^[0-9]{1,7}$/.test(digits) ? Number(digits) : v === '' ? undefined : NaN;
	},
	z
		.number({ error: () => m.error_number_range({ min: 1, max: CASH_MAX_KES }) })
		.int({ error: () => m.error_number_range({ min: 1, max: CASH_MAX_KES }) })
		.min(1, { error: () => m.error_number_range({ min: 1, max: CASH_MAX_KES }) })
		.max(CASH_MAX_KES, { error: () => m.error_number_range({ min: 1, max: CASH_MAX_KES }) })
);

/**
 * Cash the agent received for a subscriber: one already on the server (`subscriberId`), or one
 * whose registration is still queued on this phone (`subscriberRef`, that registration's item id).
 */
export const cashItem = z
	.object({
		subscriberId: z.uuid({ error: () => m.error_choose() }).optional(),
		subscriberRef: z.uuid({ error: () => m.error_choose() }).optional(),
		amountKes: shillings,
		note: optionalText(200)
	})
	.refine((v) => (v.subscriberId === undefined) !== (v.subscriberRef === undefined), {
		path: ['subscriberId'],
		error: () => m.error_choose()
	});

export type RegistrationInput = z.input<typeof registrationItem>;
export type Registration = z.output<typeof registrationItem>;
export type CashInput = z.input<typeof cashItem>;
export type Cash = z.output<typeof cashItem>;

export const ITEM_KINDS = ['register', 'cash'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** The item schema of each kind. */
export const itemSchemas = { register: registrationItem, cash: cashItem } as const;

/** One item as the phone sends it in `{ items: [...] }`. */
export type SyncRequestItem =
	| { id: string; kind: 'register'; queuedAt: string; data: Registration }
	| { id: string; kind: 'cash'; queuedAt: string; data: Cash };

/** The server's answer per item, in the request's order. */
export type SyncResult =
	| {
			id: string;
			status: 'synced';
			kind: 'register';
			subscriberId: string;
			accountNumber: string;
	  }
	| {
			id: string;
			status: 'synced';
			kind: 'cash';
			paymentId: string;
			receipt: string;
			subscriberId: string;
	  }
	| { id: string; status: 'rejected'; message: string; errors?: Record<string, string> };

/** The field messages of a failed parse, one per field (the first), for the form and the server. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
	const errors: Record<string, string> = {};
	for (const issue of error.issues) {
		const field = String(issue.path[0] ?? '');
		if (field && !(field in errors)) errors[field] = issue.message;
	}
	return errors;
}
