/**
 * Staff log in with a phone number or an email address typed into one field.
 */
import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { normalizeMsisdn } from '$lib/phone';

export type Contact = { email: string; phone: undefined } | { email: undefined; phone: string };

/** Reads the field into a normalised phone or a lower-cased email, or adds a field message. */
export function parseContact(
	value: string,
	path: string,
	ctx: z.RefinementCtx
): Contact | typeof z.NEVER {
	if (value.includes('@')) {
		const email = z.email().safeParse(value.toLowerCase());
		if (email.success) return { email: email.data, phone: undefined };
		ctx.addIssue({ code: 'custom', path: [path], message: m.error_contact_shape() });
		return z.NEVER;
	}
	const phone = normalizeMsisdn(value);
	if (phone) return { phone, email: undefined };
	ctx.addIssue({ code: 'custom', path: [path], message: m.error_phone_shape() });
	return z.NEVER;
}
