/**
 * The Content-Security-Policy is SvelteKit's (`kit.csp` in svelte.config.js: nonces for scripts,
 * `form-action 'self'`, `frame-ancestors 'none'`). One page may post elsewhere: the captive portal's
 * hotspot login goes to the router's own page on the hotspot network (10.5.50.1, hotspot.lan),
 * which no fixed policy can name. A load that renders such a form names that address here, and
 * the security-headers hook adds exactly that origin to `form-action` for this response.
 */
export function allowFormTarget(locals: App.Locals, link: string | null | undefined): void {
	if (!link) return;
	let origin: string;
	try {
		origin = new URL(link).origin;
	} catch {
		return;
	}
	if (!/^https?:\/\/[a-z0-9.\-[\]:]+$/i.test(origin)) return;
	(locals.formTargets ??= []).push(origin);
}

/** The policy with the extra form targets added to its form-action directive. */
export function withFormTargets(policy: string, origins: readonly string[]): string {
	if (origins.length === 0) return policy;
	const extra = [...new Set(origins)].join(' ');
	return policy.replace(
		/(^|;\s*)form-action ([^;]*)/,
		(_all, lead: string, sources: string) => `${lead}form-action ${sources} ${extra}`
	);
}

/** One year, as the HSTS preload list asks; sent only on https responses (browsers ignore it on http). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';
