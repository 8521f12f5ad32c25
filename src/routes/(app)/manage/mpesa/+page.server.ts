import type { Actions, PageServerLoad } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { publicUrl } from '$lib/server/config';
import { scrubLogText } from '$lib/server/logging/safe-error';
import { withTenant } from '$lib/server/db';
import { formFailure, parseForm } from '$lib/server/http/form-parsing';
import {
	getMpesaSettings,
	mpesaSettingsView,
	rotateCallbackToken,
	saveMpesaSettings,
	tenantDarajaClient
} from '$lib/server/mpesa/settings';
import { c2bCallbackUrls, registerC2bUrls } from '$lib/server/payments/c2b';
import { m } from '$lib/paraglide/messages';
import { redirect } from '@sveltejs/kit';
import { darajaErrorDetail, darajaErrorMessage } from './daraja-error';
import { mpesaSettingsSchema } from './schema';

const SECRETS = ['consumerKey', 'consumerSecret', 'passkey'] as const;

export const load: PageServerLoad = async ({ locals, url }) => {
	const { tenantId } = requireRole(locals, MANAGERS, url);
	const row = await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId));
	return {
		settings: row ? mpesaSettingsView(row) : null,
		callbackUrls: row ? c2bCallbackUrls(publicUrl(), tenantId, row.callbackToken) : null
	};
};

export const actions: Actions = {
	save: async (event) => {
		const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
		const form = await event.request.formData();
		const parsed = parseForm(mpesaSettingsSchema, form, m.error_check_form());
		// The consumer key is a secret too: never typed back into the page.
		if (!parsed.ok) {
			delete parsed.failure.data.values.consumerKey;
			return parsed.failure;
		}
		const input = parsed.data;
		const saved = await withTenant(tenantId, async (tx) => {
			const existing = await getMpesaSettings(tx, tenantId);
			// The first save needs all three keys; later a blank field keeps the stored one.
			const missing = existing ? [] : SECRETS.filter((field) => !input[field]);
			if (missing.length) return { missing };
			const row = await saveMpesaSettings(tx, tenantId, input, user.id);
			await writeAudit(tx, {
				tenantId,
				actor: auditActor(user, event.getClientAddress()),
				action: 'mpesa.save',
				target: `${row.kind} ${row.shortcode}`,
				detail: {
					kind: row.kind,
					shortcode: row.shortcode,
					tillNumber: row.tillNumber,
					environment: row.environment,
					baseUrl: row.baseUrl,
					callbackIpAllowlist: row.callbackIpAllowlist,
					strictValidation: row.strictValidation,
					changedSecrets: SECRETS.filter((field) => input[field] !== undefined)
				}
			});
			return { missing: [] };
		});
		if (saved.missing.length) {
			const failure = formFailure(
				400,
				form,
				m.error_check_form(),
				Object.fromEntries(saved.missing.map((field) => [field, m.mpesa_error_secret_first()]))
			);
			delete failure.data.values.consumerKey;
			return failure;
		}
		redirect(303, '/manage/mpesa?saved=1');
	},

	/** Fetches a token with the saved keys: the quickest proof that they are right. */
	test: async (event) => {
		const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
		const row = await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId));
		if (!row) return { testFailed: m.mpesa_not_configured() };
		const check = await tenantDarajaClient(row).testCredentials();
		const reason = check.ok ? null : darajaErrorMessage(check.error);
		if (!check.ok)
			console.warn(
				`[mpesa] credentials test for tenant ${tenantId}: ${darajaErrorDetail(check.error)}`
			);
		await withTenant(tenantId, (tx) =>
			writeAudit(tx, {
				tenantId,
				actor: auditActor(user, event.getClientAddress()),
				action: 'mpesa.test',
				target: row.shortcode,
				detail: check.ok ? { ok: true } : { ok: false, error: reason }
			})
		);
		return check.ok ? { testOk: true } : { testFailed: reason };
	},

	/** Tells Safaricom where to send paybill/till payments for this shortcode. */
	register: async (event) => {
		const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
		const row = await withTenant(tenantId, (tx) => getMpesaSettings(tx, tenantId));
		if (!row) return { registerFailed: m.mpesa_not_configured() };
		const base = publicUrl();
		let outcome:
			{ registered: { description: string; conversationId: string } } | { registerFailed: string };
		try {
			const answer = await registerC2bUrls(tenantId, base);
			outcome = {
				registered: {
					description: answer.responseDescription,
					conversationId: answer.originatorConversationId
				}
			};
		} catch (error) {
			console.warn(
				`[mpesa] URL registration for tenant ${tenantId}: ${scrubLogText(darajaErrorDetail(error))}`
			);
			outcome = { registerFailed: darajaErrorMessage(error) };
		}
		await withTenant(tenantId, (tx) =>
			writeAudit(tx, {
				tenantId,
				actor: auditActor(user, event.getClientAddress()),
				action: 'mpesa.register_urls',
				target: row.shortcode,
				detail: {
					...c2bCallbackUrls(base, tenantId, '…'),
					...('registered' in outcome
						? { ok: true, ...outcome.registered }
						: { ok: false, error: outcome.registerFailed })
				}
			})
		);
		return outcome;
	},

	/** New callback URLs; the old ones stop working at once, so paybill URLs must be registered again. */
	rotate: async (event) => {
		const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
		const rotated = await withTenant(tenantId, async (tx) => {
			const row = await getMpesaSettings(tx, tenantId);
			if (!row) return false;
			await rotateCallbackToken(tx, tenantId);
			await writeAudit(tx, {
				tenantId,
				actor: auditActor(user, event.getClientAddress()),
				action: 'mpesa.rotate',
				target: row.shortcode
			});
			return true;
		});
		if (!rotated) return { rotateFailed: m.mpesa_not_configured() };
		redirect(303, '/manage/mpesa?rotated=1');
	}
};
