/**
 * How network things read on a page, in the reader's language: prices, validities, statuses.
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

import type {
	JobAction,
	JobStatus,
	ServiceKind,
	SubscriberStatus,
	ValidityUnit
} from '$lib/vocabulary';

export type { JobAction, JobStatus, ServiceKind, SubscriberStatus, ValidityUnit };

/** Whole shillings with thousands separators: "KES 1,500". */
export function formatKes(amount: number): string {
	return m.price_kes({
		amount: new Intl.NumberFormat(getLocale() === 'sw' ? 'sw-KE' : 'en-KE').format(amount)
	});
}

/** "1 day" / "siku 1", "3 hours" / "saa 3". */
export function validityLabel(unit: ValidityUnit, count: number): string {
	const one = count === 1;
	switch (unit) {
		case 'minutes':
			return one ? m.validity_minutes_one() : m.validity_minutes_other({ count });
		case 'hours':
			return one ? m.validity_hours_one() : m.validity_hours_other({ count });
		case 'days':
			return one ? m.validity_days_one() : m.validity_days_other({ count });
		case 'months':
			return one ? m.validity_months_one() : m.validity_months_other({ count });
	}
}

export function unitLabel(unit: ValidityUnit): string {
	return { minutes: m.unit_minutes, hours: m.unit_hours, days: m.unit_days, months: m.unit_months }[
		unit
	]();
}

export function kindLabel(kind: ServiceKind): string {
	return kind === 'pppoe' ? m.kind_pppoe() : m.kind_hotspot();
}

export function statusLabel(status: SubscriberStatus): string {
	return {
		pending: m.status_pending,
		active: m.status_active,
		expired: m.status_expired,
		suspended: m.status_suspended
	}[status]();
}

export function jobStatusLabel(status: JobStatus): string {
	return {
		pending: m.job_status_pending,
		running: m.job_status_running,
		done: m.job_status_done,
		failed: m.job_status_failed
	}[status]();
}

export function jobActionLabel(action: JobAction): string {
	return {
		sync_subscriber: m.job_action_sync_subscriber,
		remove_subscriber: m.job_action_remove_subscriber,
		sync_package: m.job_action_sync_package
	}[action]();
}

export function devicesLabel(count: number): string {
	return count === 1 ? m.package_devices_one() : m.package_devices_other({ count });
}

/** "2M/5M" as the customer reads it: ↑ 2M ↓ 5M (upload first, as the package stores it). */
export function rateLabel(rateLimit: string): string {
	const [up, down] = rateLimit.split('/');
	return `↑ ${up} ↓ ${down}`;
}

/** One side of a RouterOS rate ("512k", "5M", "1G", or plain bits per second) in words: "5 Mbps". */
function bitsLabel(value: string): string | null {
	const match = /^(\d+(?:\.\d+)?)([kMG]?)$/i.exec(value.trim());
	if (!match) return null;
	const scale = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
	const bits = Number(match[1]) * scale;
	if (bits === 0) return null;
	const [size, unit] =
		bits >= 1e9 ? [bits / 1e9, 'Gbps'] : bits >= 1e6 ? [bits / 1e6, 'Mbps'] : [bits / 1e3, 'kbps'];
	return `${Number(size.toFixed(1))} ${unit}`;
}

/**
 * A package's speed as a buyer reads it: "Speed up to 5 Mbps (upload 2 Mbps)". The rate is stored
 * as the router sees it, "rx/tx" = the customer's upload/download ("2M/5M": 2M up, 5M down), and
 * may carry burst settings after a space, which the buyer does not need.
 */
export function speedLabel(rateLimit: string): string {
	const [upText = '', downText = upText] = rateLimit.trim().split(/\s+/)[0]!.split('/');
	const up = bitsLabel(upText);
	const down = bitsLabel(downText);
	if (!up && !down && /^0*(\/0*)?$/.test(rateLimit.trim().split(/\s+/)[0]!))
		return m.speed_unlimited();
	if (!down) return rateLimit;
	return !up || up === down ? m.speed_up_to({ down }) : m.speed_up_to_upload({ down, up });
}
