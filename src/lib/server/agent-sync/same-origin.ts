/**
 * Whether a request that changes data came from a page of another site. Browsers say where a
 * request comes from (Origin, and Sec-Fetch-Site in current ones); a request that says another
 * site is refused. A request that says nothing (an old browser, a script with a session cookie it
 * holds anyway) is left to the other defences: the SameSite session cookie and JSON only.
 */
export function crossSite(request: Request, url: URL): boolean {
	const origin = request.headers.get('origin');
	if (origin !== null && origin !== url.origin) return true;
	const site = request.headers.get('sec-fetch-site');
	return site !== null && site !== 'same-origin' && site !== 'none';
}
