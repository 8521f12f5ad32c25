/** The database's own message under drizzle's "Failed query" wrapper. */
export async function databaseError(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		const cause = (error as { cause?: { message?: string } }).cause;
		return cause?.message ?? (error as Error).message;
	}
	throw new Error('expected the database to refuse, but it did not');
}
