/** Progressive enhancement for form actions, shared by the pages (`use:enhance={…}`). */
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * While the post is in flight `setBusy(true)` (the page disables its button and says "Working…"),
 * then the result is applied keeping what was typed, and `setBusy(false)`.
 */
export function whileSubmitting(setBusy: (busy: boolean) => void): SubmitFunction {
	return () => {
		setBusy(true);
		return async ({ update }) => {
			await update({ reset: false });
			setBusy(false);
		};
	};
}

/**
 * For forms that redirect when done: a refused submission keeps what was typed (the messages sit
 * beside it), a done one clears the form, so the next cash entry does not inherit the last note.
 */
export const clearWhenDone: SubmitFunction =
	({ formElement }) =>
	async ({ result, update }) => {
		await update({ reset: false });
		if (result.type === 'redirect' || result.type === 'success') formElement.reset();
	};
