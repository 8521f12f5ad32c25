/**
 * The activity feed in the reader's language: an audit action ("payment.cash") becomes words, and
 * a target that is only an id is shortened, since a manager cannot read a UUID.
 */
import { m } from '$lib/paraglide/messages';
import { UUIDS_IN_TEXT } from '$lib/uuid';

const ACTIONS: Record<string, () => string> = {
	'tenant.create': m.audit_tenant_create,
	'tenant.agents_cash': m.audit_tenant_agents_cash,
	'staff.invite': m.audit_staff_invite,
	'staff.join': m.audit_staff_join,
	'staff.disable': m.audit_staff_disable,
	'staff.enable': m.audit_staff_enable,
	'staff.password_change': m.audit_staff_password_change,
	'staff.password_reset_issue': m.audit_staff_password_reset_issue,
	'staff.password_reset': m.audit_staff_password_reset,
	'staff.invite_revoke': m.audit_staff_invite_revoke,
	'staff.invite_renew': m.audit_staff_invite_renew,
	'package.create': m.audit_package_create,
	'package.update': m.audit_package_update,
	'package.retire': m.audit_package_retire,
	'package.reactivate': m.audit_package_reactivate,
	'router.create': m.audit_router_create,
	'router.update': m.audit_router_update,
	'router.test': m.audit_router_test,
	'router.reconcile': m.audit_router_reconcile,
	'router.script_view': m.audit_router_script_view,
	'router.retire': m.audit_router_retire,
	'router.reactivate': m.audit_router_reactivate,
	'router.delete': m.audit_router_delete,
	'router.move_subscribers': m.audit_router_move_subscribers,
	'subscriber.register': m.audit_subscriber_register,
	'subscriber.edit': m.audit_subscriber_edit,
	'subscriber.delete': m.audit_subscriber_delete,
	'subscriber.password_view': m.audit_subscriber_password_view,
	'payment.cash': m.audit_payment_cash,
	'payment.reverse': m.audit_payment_reverse,
	'payment.assign': m.audit_payment_assign,
	'payment.prompt': m.audit_payment_prompt,
	'mpesa.save': m.audit_mpesa_save,
	'mpesa.test': m.audit_mpesa_test,
	'mpesa.rotate': m.audit_mpesa_rotate,
	'mpesa.register_urls': m.audit_mpesa_register_urls,
	'job.retry': m.audit_job_retry,
	'platform.drilldown': m.audit_platform_drilldown,
	'platform.act_as_start': m.audit_platform_act_as_start,
	'platform.act_as_stop': m.audit_platform_act_as_stop,
	'platform.act_as_expire': m.audit_platform_act_as_expire,
	'platform.act_as_write': m.audit_platform_act_as_write
};

/** An action in words; one this list does not know yet is shown as stored rather than hidden. */
export function auditActionLabel(action: string): string {
	return Object.hasOwn(ACTIONS, action) ? ACTIONS[action]!() : action;
}

/** What the entry is about: the subscriber's name when the database found one, else the target with ids cut to 8 characters. */
export function auditTarget(entry: { target: string | null; targetName?: string | null }): string {
	if (entry.targetName) return entry.targetName;
	return (entry.target ?? '').replace(UUIDS_IN_TEXT, (id) => id.slice(0, 8));
}
