/**
 * Where a user-supplied target (`/login?next=`, the language switch's `back`, a form's return
 * address) may send the browser: a path on this site, nothing else. Checking the string's first
 * characters is not enough, because browsers repair what they read in a Location header: they drop
 * tabs and newlines (`/\t/evil.example` becomes `//evil.example`, another site), read `\` as `/`,
 * and resolve `/..//evil.example` and `/%2e%2e//evil.example` to `//evil.example`. So the target is
 * resolved with the same URL parser against our origin, must stay on that origin, and what is
 * returned is the normalised path, which no browser can read as another host.
 */
import { hasControlCharacters } from '$lib/text';
export function safeRedirectTarget(target: unknown, origin: string | URL): string | null {
	if (typeof target !== 'string' || target.length === 0 || target.length > 2048) return null;
	// Control characters, spaces and backslashes never appear in a path we link to.
	if (hasControlCharacters(target) || /[ \\]/.test(target)) return null;
	if (!target.startsWith('/') || target.startsWith('//')) return null;
	let base: URL;
	let resolved: URL;
	try {
		base = new URL(origin);
		resolved = new URL(target, base);
	} catch {
		return null;
	}
	if (resolved.origin !== base.origin || resolved.username || resolved.password) return null;
	const path = resolved.pathname + resolved.search + resolved.hash;
	return path.startsWith('/') && !path.startsWith('//') ? path : null;
}
