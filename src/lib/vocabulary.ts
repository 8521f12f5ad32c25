/**
 * The words the database and the pages share: every status and kind a column may hold. The drizzle
 * schema builds its enums and checks from these lists, and the pages (and the browser) read the
 * same ones, so a new status is added here once. Safe for the browser: no server imports.
 */

export const TENANT_KINDS = ['platform', 'isp', 'reseller', 'site', 'brand'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

export const ROLES = ['platform_admin', 'tenant_admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export const SERVICE_KINDS = ['hotspot', 'pppoe'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];
export const VALIDITY_UNITS = ['minutes', 'hours', 'days', 'months'] as const;
export type ValidityUnit = (typeof VALIDITY_UNITS)[number];

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'expired', 'suspended'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export const JOB_ACTIONS = ['sync_subscriber', 'remove_subscriber', 'sync_package'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];
export const JOB_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const LEDGER_KINDS = ['payment', 'cash', 'correction', 'purchase', 'reversal'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const MPESA_KINDS = ['paybill', 'till'] as const;
export type MpesaKind = (typeof MPESA_KINDS)[number];
export const MPESA_ENVIRONMENTS = ['sandbox', 'production', 'custom'] as const;
export type MpesaEnvironment = (typeof MPESA_ENVIRONMENTS)[number];

export const PAYMENT_SOURCES = ['stk', 'c2b'] as const;
export type PaymentSource = (typeof PAYMENT_SOURCES)[number];
/**
 * pending: an STK push waits for the customer; succeeded: money in (credited); failed: the customer
 * did not pay; unmatched: money in, but we do not know whose (a manager assigns it); flagged: a
 * callback that does not fit (unknown request, wrong shortcode or amount, or a paybill confirmation
 * that may be the same transaction as more than one paid push): recorded, never credited;
 * duplicate: a paybill confirmation of a push that carries the money and the receipt
 * (`duplicate_of`, see payments/same-transaction.ts): recorded, credited once through the push.
 */
export const PAYMENT_STATUSES = [
	'pending',
	'succeeded',
	'failed',
	'unmatched',
	'flagged',
	'duplicate'
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
/** Where an STK push was started: the self-service page, the captive portal, or by staff. */
export const PAYMENT_CHANNELS = ['pay', 'portal', 'staff', 'paybill'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

export const CALLBACK_KINDS = ['stk', 'c2b-validation', 'c2b-confirmation'] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];
export const CALLBACK_OUTCOMES = [
	'received',
	'applied',
	'duplicate',
	'flagged',
	'malformed',
	'accepted',
	'rejected',
	'error'
] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** What an agent's phone queues offline and sends to /agent/sync: a registration, or cash received. */
export const AGENT_SYNC_KINDS = ['register', 'cash'] as const;
export type AgentSyncKind = (typeof AGENT_SYNC_KINDS)[number];

/**
 * What staff can be notified of (push and the in-app list): money in for a subscriber, a router
 * offline for more than five minutes, a router job given up on, and a paybill payment that names
 * no subscriber (managers only).
 */
export const NOTIFICATION_KINDS = [
	'payment',
	'router_offline',
	'job_failed',
	'unmatched_payment'
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
