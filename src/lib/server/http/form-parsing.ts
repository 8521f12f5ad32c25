/**
 * Form validation with zod: the first message per field, and what was typed (never passwords)
 * so the page can show the form again as the user left it.
 */
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export interface FormFailure {
	message: string;
	errors: FieldErrors;
	values: Record<string, string>;
}

const SECRET_FIELDS = /password|secret|token|passkey/i;

export function formValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form) {
		if (typeof value === 'string' && !SECRET_FIELDS.test(key)) values[key] = value.slice(0, 500);
	}
	return values;
}

export function fieldErrors(error: z.ZodError): FieldErrors {
	const errors: FieldErrors = {};
	for (const issue of error.issues) {
		const field = issue.path.join('.') || 'form';
		errors[field] ??= issue.message;
	}
	return errors;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; failure: ActionFailure<FormFailure> };

export function parseForm<S extends z.ZodType>(
	schema: S,
	form: FormData,
	message: string
): Parsed<z.infer<S>> {
	const raw: Record<string, FormDataEntryValue> = {};
	for (const [key, value] of form) raw[key] = value;
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data };
	return {
		ok: false,
		failure: fail(400, { message, errors: fieldErrors(result.error), values: formValues(form) })
	};
}

export function formFailure(
	status: number,
	form: FormData,
	message: string,
	errors: FieldErrors = {}
) {
	return fail(status, { message, errors, values: formValues(form) });
}
