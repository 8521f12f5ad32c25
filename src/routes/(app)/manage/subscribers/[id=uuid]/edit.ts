/**
 * The manager's "Edit details": name, phone, service kind, router and package, corrected in one
 * transaction with the router jobs (changeSubscriber) and one audit entry naming what changed.
 */
import { fail, redirect } from '@sveltejs/kit';
import type { RequestEvent } from './$types';
import { MANAGERS, requireRole } from '$lib/server/auth/guards';
import { auditActor, writeAudit } from '$lib/server/audit';
import { withTenant } from '$lib/server/db';
import { formValues, parseForm } from '$lib/server/http/form-parsing';
import {
	NotInTenant,
	PackageKindMismatch,
	changeSubscriber,
	getSubscriber,
	othersWithPhone
} from '$lib/server/network/subscribers';
import { m } from '$lib/paraglide/messages';
import { editSchema } from './schema';
import { notFound } from '$lib/server/http/not-found';

type Refusal = { field: string; message: string; sharedPhone?: boolean };

export async function editSubscriber(event: RequestEvent) {
	const { user, tenantId } = requireRole(event.locals, MANAGERS, event.url);
	const form = await event.request.formData();
	const parsed = parseForm(editSchema, form, m.error_check_form());
	// `edit` tells the page which form the messages belong to.
	if (!parsed.ok) return fail(400, { edit: true, ...parsed.failure.data });
	const input = parsed.data;
	const outcome = await withTenant(
		tenantId,
		async (tx): Promise<'missing' | Refusal | { changed: number; moved: boolean }> => {
			const current = await getSubscriber(tx, event.params.id);
			if (!current) return 'missing';
			if (input.phone !== current.phone) {
				const [other] = await othersWithPhone(tx, current.tenantId, input.phone, current.id);
				if (other && !input.sharedPhone) {
					return {
						field: 'phone',
						message: m.subscriber_phone_shared({ name: other.name, account: other.accountNumber }),
						sharedPhone: true
					};
				}
			}
			try {
				const change = await changeSubscriber(tx, current.id, {
					name: input.name,
					phone: input.phone,
					kind: input.kind,
					routerId: input.routerId,
					packageId: input.packageId
				});
				if (!change) return 'missing';
				const { before, after, changed } = change;
				if (changed.length > 0) {
					await writeAudit(tx, {
						tenantId: after.tenantId,
						actor: auditActor(user, event.getClientAddress()),
						action: 'subscriber.edit',
						target: `${after.accountNumber} ${after.name}`,
						detail: {
							subscriberId: after.id,
							changed,
							before: Object.fromEntries(changed.map((field) => [field, before[field]])),
							after: Object.fromEntries(changed.map((field) => [field, after[field]]))
						}
					});
				}
				return { changed: changed.length, moved: changed.includes('routerId') };
			} catch (e) {
				if (e instanceof NotInTenant) return { field: e.field, message: m.error_choose() };
				if (e instanceof PackageKindMismatch)
					return { field: 'packageId', message: m.error_package_kind() };
				throw e;
			}
		}
	);
	if (outcome === 'missing') notFound();
	if ('field' in outcome) {
		return fail(400, {
			edit: true,
			message: m.error_check_form(),
			errors: { [outcome.field]: outcome.message },
			values: formValues(form),
			sharedPhone: outcome.sharedPhone ?? false
		});
	}
	redirect(
		303,
		`/manage/subscribers/${event.params.id}?edited=${outcome.changed === 0 ? 'none' : outcome.moved ? 'moved' : 'saved'}`
	);
}
