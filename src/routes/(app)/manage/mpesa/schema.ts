import { z } from 'zod';
import { m } from '$lib/paraglide/messages';
import { customBaseUrlAllowed, customBaseUrlChoices } from '$lib/server/mpesa/base-url';
import { parseAddressList } from '$lib/server/security/address-list';

/**
 * "196.201.214.200, 196.201.214.0/24" or one a line: the addresses Safaricom calls us from. Read by
 * the same parser that matches callbacks against it, so the form accepts exactly what will match
 * (IPv6 included).
 */
export function parseAllowlist(text: string): { entries: string[]; bad: string[] } {
	const { list, bad } = parseAddressList(text.replace(/;/g, ' '));
	return { entries: [...new Set(list.entries)], bad };
}

/** A key, secret or passkey: blank keeps the stored one (the page shows only its shape). */
const secret = z
	.string()
	.default('')
	.transform((v) => v.trim())
	.refine((v) => v.length <= 200, { error: () => m.error_too_long() })
	.refine((v) => !/\s/.test(v), { error: () => m.mpesa_error_secret_shape() })
	.transform((v) => (v === '' ? undefined : v));

const checkbox = z
	.string()
	.optional()
	.transform((v) => v === 'on' || v === 'true');

/**
 * The M-Pesa settings form. Whether the keys are right is not a form error: "Test credentials"
 * asks Safaricom, and settings for a shortcode not yet live are still worth saving.
 */
export const mpesaSettingsSchema = z
	.object({
		kind: z.enum(['paybill', 'till'], { error: () => m.error_choose() }),
		shortcode: z
			.string({ error: () => m.error_required() })
			.trim()
			.min(1, { error: () => m.error_required(), abort: true })
			.regex(/^[0-9]{5,7}$/, { error: () => m.mpesa_error_shortcode() }),
		tillNumber: z.string().trim().default(''),
		consumerKey: secret,
		consumerSecret: secret,
		passkey: secret,
		environment: z.enum(['sandbox', 'production', 'custom'], { error: () => m.error_choose() }),
		baseUrl: z.string().trim().default(''),
		callbackIpAllowlist: z
			.string()
			.max(2000, { error: () => m.error_too_long() })
			.default(''),
		strictValidation: checkbox
	})
	.superRefine((v, ctx) => {
		if (v.kind === 'till' && !/^[0-9]{5,8}$/.test(v.tillNumber)) {
			ctx.addIssue({
				code: 'custom',
				path: ['tillNumber'],
				message: v.tillNumber ? m.mpesa_error_till() : m.error_required()
			});
		}
		if (v.environment === 'custom') {
			let url: URL | null;
			try {
				url = new URL(v.baseUrl);
			} catch {
				url = null;
			}
			if (
				!url ||
				!/^https?:$/.test(url.protocol) ||
				url.search ||
				url.hash ||
				url.username ||
				url.password
			) {
				ctx.addIssue({
					code: 'custom',
					path: ['baseUrl'],
					message: v.baseUrl ? m.mpesa_error_base_url() : m.error_required()
				});
			} else if (!customBaseUrlAllowed(v.baseUrl)) {
				// Tenants choose Safaricom's sandbox or production; other addresses are the operator's to allow.
				const choices = customBaseUrlChoices();
				const listed = choices.length
					? ` ${m.mpesa_error_base_url_choices({ urls: choices.join(', ') })}`
					: '';
				ctx.addIssue({
					code: 'custom',
					path: ['baseUrl'],
					message: m.mpesa_error_base_url_refused() + listed
				});
			}
		}
		const { bad } = parseAllowlist(v.callbackIpAllowlist);
		if (bad.length)
			ctx.addIssue({
				code: 'custom',
				path: ['callbackIpAllowlist'],
				message: m.mpesa_error_allowlist({ entries: bad.slice(0, 3).join(', ') })
			});
	})
	.transform((v) => {
		const { entries } = parseAllowlist(v.callbackIpAllowlist);
		return {
			kind: v.kind,
			shortcode: v.shortcode,
			tillNumber: v.kind === 'till' ? v.tillNumber : null,
			consumerKey: v.consumerKey,
			consumerSecret: v.consumerSecret,
			passkey: v.passkey,
			environment: v.environment,
			baseUrl: v.environment === 'custom' ? v.baseUrl.replace(/\/+$/, '') : null,
			callbackIpAllowlist: entries.length ? entries : null,
			strictValidation: v.strictValidation
		};
	});

export type MpesaSettingsForm = z.infer<typeof mpesaSettingsSchema>;
