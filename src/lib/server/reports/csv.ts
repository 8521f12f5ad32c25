/**
 * CSV downloads that stream: rows are read a page at a time as the client takes them (a slow phone
 * slows the reading, it does not fill the server's memory), written by csv-stringify with formulas
 * neutralised (a cell starting with =, +, -, @, a tab or a return gets a leading ', so a payer name
 * like `=HYPERLINK(…)` is text in a spreadsheet, not a formula; negative numbers stay numbers).
 */
import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import { logError } from '../logging/safe-error';

export type CsvCell = string | number | null;

/** A spreadsheet's reading of a time: `YYYY-MM-DD HH:MM:SS` in Nairobi (UTC+3, no DST). */
export function nairobiTimestamp(at: Date): string {
	return new Date(at.getTime() + 3 * 60 * 60 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The download: `header`, then each page's records as the client reads them. */
export function csvResponse(
	filename: string,
	header: string[],
	pages: AsyncIterable<CsvCell[][]>
): Response {
	async function* records() {
		yield header;
		for await (const page of pages) yield* page;
	}
	const csv = stringify({ escape_formulas: true, bom: true, record_delimiter: 'windows' });
	// A failed read ends the download with an error (the client sees a broken transfer, never a
	// short file that looks whole); a client that goes away stops the reading.
	pipeline(Readable.from(records()), csv, (error) => {
		if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') logError('CSV export', error);
	});
	return new Response(Readable.toWeb(csv) as ReadableStream<Uint8Array>, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename}"`,
			'cache-control': 'no-store'
		}
	});
}
