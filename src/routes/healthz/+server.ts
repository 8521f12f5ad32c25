import { json } from '@sveltejs/kit';
import { pingDatabase } from '$lib/server/db';

/** Liveness with a real round trip to the database. */
export async function GET() {
	try {
		await pingDatabase();
		return json({ status: 'ok', db: 'ok' }, { headers: { 'cache-control': 'no-store' } });
	} catch {
		return json(
			{ status: 'error', db: 'unreachable' },
			{ status: 503, headers: { 'cache-control': 'no-store' } }
		);
	}
}
