/**
 * Sending the browser to the hotspot's own login page (`$(link-login-only)`, plain http on the
 * hotspot network). A form posted from our https page to an http address makes Chrome stop the
 * customer with a full-page "this form is not secure" warning; MikroTik's login page takes the same
 * fields in the address, and following a link raises no warning. Without JavaScript, or when both
 * pages are http, the form posts as written.
 */

/** Where to go instead of posting the form, or null when posting it is fine. */
export function hotspotLoginAddress(
	action: string,
	fields: Iterable<[string, FormDataEntryValue]>,
	pageProtocol: string
): string | null {
	const target = new URL(action);
	if (pageProtocol !== 'https:' || target.protocol !== 'http:') return null;
	for (const [name, value] of fields)
		if (typeof value === 'string') target.searchParams.set(name, value);
	return target.toString();
}

/** The form's submit handler: follows the address instead when posting would raise the warning. */
export function onHotspotLoginSubmit(event: SubmitEvent): void {
	const form = event.currentTarget as HTMLFormElement;
	const address = hotspotLoginAddress(form.action, new FormData(form), location.protocol);
	if (!address) return;
	event.preventDefault();
	location.assign(address);
}
