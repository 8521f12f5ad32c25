import type { SubmitFunction } from '@sveltejs/kit';

/**
 * For forms that redirect when done: a refused submission keeps what was typed (the messages sit
 * beside it), a done one clears the form, so the next cash entry does not inherit the last note.
 */
export const clearWhenDone: SubmitFunction = ({ formElement }) => async ({ result, update }) => {
	await update({ reset: false });
	if (result.type === 'redirect' || result.type === 'success') formElement.reset();
};
