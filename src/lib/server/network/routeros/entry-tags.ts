/**
 * Whose a router entry is, written in its comment: `mtandao:<subscriber> t=<tenant> r=<router>`.
 * Two tenants can point at one physical MikroTik (a reseller's tower, a shared site), and one
 * tenant can register the same MikroTik twice: reconcile removes only entries tagged with its own
 * tenant and router, and provisioning never takes over an entry tagged for another tenant.
 * Entries made before the tags carry `mtandao:<subscriber>` only; they are still read.
 * After the tag comes whom the entry is for (`Wanjiru Kamau 0712 345 678`): what the ISP's
 * technician reads in Winbox. It follows every edit of the name or phone, and nothing reads it back.
 */
import { formatMsisdn } from '../../../phone';

export interface EntryOwner {
	tenantId: string;
	routerId: string;
}

export interface EntryTag {
	subscriberId: string;
	/** Absent on entries tagged before tenants and routers were written. */
	owner?: EntryOwner;
}

const TAG = /^mtandao:([0-9A-Za-z-]+)(?: t=([0-9A-Za-z-]+) r=([0-9A-Za-z-]+))?(?:\s|$)/;

export function entryTag(subscriberId: string, owner: EntryOwner): string {
	return `mtandao:${subscriberId} t=${owner.tenantId} r=${owner.routerId}`;
}

/** The whole comment of a subscriber's entry: the tag, then the name and phone people read. */
export function subscriberEntryComment(
	subscriber: { id: string; name: string; phone: string },
	owner: EntryOwner
): string {
	return `${entryTag(subscriber.id, owner)} ${subscriber.name} ${formatMsisdn(subscriber.phone)}`;
}

/** The tag in a router comment, or undefined for entries we did not make. */
export function readEntryTag(comment: string | undefined): EntryTag | undefined {
	const match = TAG.exec(comment ?? '');
	if (!match) return undefined;
	const [, subscriberId = '', tenantId, routerId] = match;
	return tenantId && routerId ? { subscriberId, owner: { tenantId, routerId } } : { subscriberId };
}

/**
 * True when the entry is tagged for another owner than `owner`: another tenant's, or (given a
 * router) the same tenant's entry for another router record on the same MikroTik, which a late
 * removal for this record must leave alone.
 */
export function taggedForAnother(
	comment: string | undefined,
	owner: { tenantId: string; routerId?: string }
): boolean {
	const tagged = readEntryTag(comment)?.owner;
	if (tagged === undefined) return false;
	return (
		tagged.tenantId !== owner.tenantId ||
		(owner.routerId !== undefined && tagged.routerId !== owner.routerId)
	);
}

/** True when the entry is tagged for another tenant: not ours to change or remove. */
export function taggedForAnotherTenant(comment: string | undefined, tenantId: string): boolean {
	const owner = readEntryTag(comment)?.owner;
	return owner !== undefined && owner.tenantId !== tenantId;
}
