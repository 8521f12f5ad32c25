/**
 * Postgres refusals that callers turn into an answer (a name already taken, a row still in use),
 * matched by SQLSTATE and constraint. drizzle wraps the driver's error in its own, with the
 * driver's as `cause`; postgres.js names the constraint `constraint_name`, PGlite `constraint`.
 */
interface PgError {
	code?: string;
	constraint_name?: string;
	constraint?: string;
	message?: string;
}

function violates(error: unknown, code: string, constraint: string): boolean {
	const pg = ((error as { cause?: unknown })?.cause ?? error) as PgError | undefined;
	return (
		pg?.code === code &&
		(pg.constraint_name === constraint ||
			pg.constraint === constraint ||
			!!pg.message?.includes(constraint))
	);
}

/** 23505: the row would repeat a value the constraint keeps unique. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
	return violates(error, '23505', constraint);
}

/** 23503: the row names one that does not exist, or is still named by another. */
export function isForeignKeyViolation(error: unknown, constraint: string): boolean {
	return violates(error, '23503', constraint);
}
