/**
 * Whose a router entry is, written in its comment: `mtandao:<subscriber> t=<tenant> r=<router>`.
 * Two tenants can point at one physical MikroTik (a reseller's tower, a shared site), and one
 * tenant can register the same MikroTik twice: reconcile removes only entries tagged with its own
 * tenant and router, and provisioning never takes over an entry tagged for another tenant.
 * Entries made before the tags carry `mtandao:<subscriber>` only; they are still read.
 */
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

/** The tag in a router comment, or undefined for entries we did not make. */
export function readEntryTag(comment: string | undefined): EntryTag | undefined {
	const match = TAG.exec(comment ?? '');
	if (!match) return undefined;
	const [, subscriberId = '', tenantId, routerId] = match;
	return tenantId && routerId ? { subscriberId, owner: { tenantId, routerId } } : { subscriberId };
}

/** True when the entry is tagged for another tenant: not ours to change or remove. */
export function taggedForAnotherTenant(comment: string | undefined, tenantId: string): boolean {
	const owner = readEntryTag(comment)?.owner;
	return owner !== undefined && owner.tenantId !== tenantId;
}
