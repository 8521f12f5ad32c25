import { afterEach, describe, expect, it, vi } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { safeErrorText, scrubLogText } from './safe-error';

const PHONE = '254712000103';
const NAME = 'Fatuma Hassan';

/** What postgres.js throws: the message, plus the query, its parameters and the detail with the value. */
function postgresError() {
	class PostgresError extends Error {
		code = '23505';
		severity = 'ERROR';
		detail = `Key (tenant_id, phone)=(4b1e…, ${PHONE}) already exists.`;
		constraint_name = 'subscribers_tenant_phone_key';
		table_name = 'subscribers';
		query = 'insert into "subscribers" ("name", "phone") values ($1, $2)';
		parameters = [NAME, PHONE];
	}
	const error = new PostgresError(
		'duplicate key value violates unique constraint "subscribers_tenant_phone_key"'
	);
	error.name = 'PostgresError';
	return new DrizzleQueryError(
		'insert into "subscribers" ("name", "phone") values ($1, $2)',
		[NAME, PHONE],
		error
	);
}

function expectClean(text: string) {
	for (const secret of [
		PHONE,
		'0712000103',
		'0712 000 103',
		'Fatuma',
		'Hassan',
		'fatuma@example.com',
		'k3y-t0ken',
		'q=otieno',
		'values ($1'
	])
		expect(text).not.toContain(secret);
}

describe('the error log', () => {
	afterEach(() => vi.restoreAllMocks());

	it('keeps the kind of database error and its constraint, never the SQL, its parameters or the detail', () => {
		const text = safeErrorText(postgresError());
		expectClean(text);
		expect(text).toContain('a database query failed');
		expect(text).toContain('code 23505');
		expect(text).toContain('constraint subscribers_tenant_phone_key');
	});

	it('blanks phone numbers, e-mail addresses, quoted values, query strings and callback tokens in messages', () => {
		const text = scrubLogText(
			`no subscriber 0712 000 103 or +${PHONE} (fatuma@example.com); invalid input syntax for type uuid: "${NAME}"; ` +
				`fetch http://127.0.0.1:3000/hooks/daraja/4b1e0000-0000-4000-8000-000000000000/k3y-t0ken/stk?payment=1 and /manage/subscribers?q=otieno`
		);
		expectClean(text);
		expect(text).toContain('/hooks/daraja/4b1e0000-0000-4000-8000-000000000000/…/stk?…');
	});

	it('handleError logs the path without its query string, and the error made safe', async () => {
		const lines: string[] = [];
		vi.spyOn(console, 'error').mockImplementation(
			(...args: unknown[]) =>
				void lines.push(
					args
						.map((a) => (a instanceof Error ? `${a.message} ${JSON.stringify(a)}` : String(a)))
						.join(' ')
				)
		);
		const { handleError } = await import('../../../hooks.server');
		const event = {
			request: new Request(`http://x/manage/subscribers?q=${PHONE}`),
			url: new URL(`http://x/manage/subscribers?q=${PHONE}`)
		};
		const answer = await handleError({
			error: postgresError(),
			event,
			status: 500,
			message: 'Internal Error'
		} as unknown as Parameters<typeof handleError>[0]);
		expect(answer).toMatchObject({ id: expect.any(String) });
		expect(lines).toHaveLength(1);
		expectClean(lines[0]!);
		expect(lines[0]).toContain('GET /manage/subscribers');
		expect(lines[0]).toContain('code 23505');
	});
});
