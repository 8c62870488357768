import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** What D1 reported for the statements of one request, summed (D1's own `meta`). */
export interface D1Usage {
	queries: number;
	durationMs: number;
	rowsRead: number;
	rowsWritten: number;
}

export const emptyUsage = (): D1Usage => ({
	queries: 0,
	durationMs: 0,
	rowsRead: 0,
	rowsWritten: 0,
});

export function createDb(d1: D1Database) {
	return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof createDb>;

function record(usage: D1Usage, meta: Partial<D1Meta> | undefined) {
	usage.durationMs += meta?.duration ?? 0;
	usage.rowsRead += meta?.rows_read ?? 0;
	usage.rowsWritten += meta?.rows_written ?? 0;
}

/**
 * Wraps a D1 binding so that every round trip (a statement or a batch) adds its `meta` to `usage`.
 * `first()` and `raw()` return no meta, so they are answered through `all()`; `raw()` rebuilds
 * rows from object values in column order, exactly as drizzle's own batch path does.
 */
export function meteredD1(d1: D1Database, usage: D1Usage): D1Database {
	const originals = new WeakMap<D1PreparedStatement, D1PreparedStatement>();

	const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
		const all = async <T>() => {
			usage.queries += 1;
			const result = await statement.all<T>();
			record(usage, result.meta);
			return result;
		};
		const wrapped = {
			bind: (...values: unknown[]) => wrap(statement.bind(...values)),
			all,
			run: async <T>() => {
				usage.queries += 1;
				const result = await statement.run<T>();
				record(usage, result.meta);
				return result;
			},
			first: async (column?: string) => {
				const row = (await all<Record<string, unknown>>()).results[0];
				if (row === undefined) return null;
				return column === undefined ? row : row[column];
			},
			raw: async (options?: { columnNames?: boolean }) => {
				const { results } = await all<Record<string, unknown>>();
				const rows = results.map((row) => Object.values(row));
				if (options?.columnNames) return [Object.keys(results[0] ?? {}), ...rows];
				return rows;
			},
		} as unknown as D1PreparedStatement;
		originals.set(wrapped, statement);
		return wrapped;
	};

	return {
		prepare: (query: string) => wrap(d1.prepare(query)),
		batch: async <T>(statements: D1PreparedStatement[]) => {
			usage.queries += 1;
			const results = await d1.batch<T>(statements.map((s) => originals.get(s) ?? s));
			for (const result of results) record(usage, result.meta);
			return results;
		},
		exec: (query: string) => {
			usage.queries += 1;
			return d1.exec(query);
		},
		withSession: (...args: Parameters<D1Database["withSession"]>) => d1.withSession(...args),
		dump: () => d1.dump(),
	} as D1Database;
}
