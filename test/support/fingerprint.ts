// A cheap fingerprint of stored data, for "a rejected request changed nothing": per table, the row
// count, the last rowid, and per column exact integer sums (of values, or of text lengths and
// first and last characters). Every write this API makes inserts a row or moves a version or a
// timestamp, so it always changes the fingerprint; one round trip, whatever the table sizes.
import { env } from "cloudflare:workers";

/** Every application table (not D1's or SQLite's own, nor the migrations log). */
export async function applicationTables(): Promise<string[]> {
	const { results } = await env.DB.prepare(
		`SELECT name FROM sqlite_master WHERE type = 'table'
		 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'
		 ORDER BY name`,
	).all<{ name: string }>();
	return results.map((row) => row.name);
}

/** The statement that summarizes one table. */
async function summaryQuery(table: string): Promise<string> {
	const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info(?)")
		.bind(table)
		.all<{ name: string }>();
	const sums = results.flatMap(({ name }) => {
		const column = `"${name}"`;
		return [
			`sum(CASE WHEN typeof(${column}) = 'integer' THEN ${column} END)`,
			`sum(length(${column}))`,
			`sum(unicode(${column}))`,
			`sum(unicode(substr(${column}, -1)))`,
		];
	});
	return `SELECT count(*), max(rowid), ${sums.join(", ")} FROM "${table}"`;
}

/** Prepares the fingerprint of `tables`: call the result to take one. */
export async function fingerprinter(tables: string[]): Promise<() => Promise<string>> {
	const queries = await Promise.all(tables.map(summaryQuery));
	return async () => {
		const summaries = await env.DB.batch(queries.map((query) => env.DB.prepare(query)));
		return JSON.stringify(summaries.map((summary, i) => [tables[i], summary.results]));
	};
}
