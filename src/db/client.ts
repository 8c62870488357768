import { drizzle } from "drizzle-orm/d1";
import { defaultRetryPolicy, isWrite, mayRetry, type RetryPolicy, withRetry } from "./retry";
import * as schema from "./schema";

/** What D1 reported for the statements of one request, summed (D1's own `meta`). */
export interface D1Usage {
	queries: number;
	durationMs: number;
	rowsRead: number;
	rowsWritten: number;
	/** Webhook deliveries (outbox rows) the request's writes created: to send after the commit. */
	outboxRows?: number;
}

export const emptyUsage = (): D1Usage => ({
	queries: 0,
	durationMs: 0,
	rowsRead: 0,
	rowsWritten: 0,
});

/** Drizzle over a binding or a session: drizzle-orm/d1 only ever calls `prepare` and `batch`. */
export function createDb(d1: D1Database | D1DatabaseSession) {
	return drizzle(d1 as D1Database, { schema });
}

export type Db = ReturnType<typeof createDb>;

function record(usage: D1Usage, meta: Partial<D1Meta> | undefined) {
	usage.durationMs += meta?.duration ?? 0;
	usage.rowsRead += meta?.rows_read ?? 0;
	usage.rowsWritten += meta?.rows_written ?? 0;
}

/**
 * A statement to commit atomically with the request's first write (see idempotency.ts): it is
 * added to that write's batch, so "the response was produced" and "the write happened" are one
 * fact. Used once, then cleared. Kept as SQL and values, so the wrapper prepares it on the same
 * D1 session as the write it joins.
 */
export interface WriteRider {
	statement?: { sql: string; params: unknown[] };
}

/** What queries go through: a D1 binding, or one of its sessions (`withSession`). */
type D1Handle = Pick<D1Database, "prepare" | "batch">;

/**
 * Wraps a D1 session so that every round trip (a statement or a batch) adds its `meta` to `usage`,
 * and reads and idempotent writes are retried after D1's transient failures (see retry.ts).
 * `first()` and `raw()` return no meta, so they are answered through `all()`; `raw()` rebuilds
 * rows from object values in column order, exactly as drizzle's own batch path does.
 */
export function meteredSession(
	session: D1DatabaseSession,
	usage: D1Usage,
	rider: WriteRider = {},
	policy: RetryPolicy = defaultRetryPolicy,
): D1DatabaseSession {
	return { ...metered(session, usage, rider, policy), getBookmark: () => session.getBookmark() };
}

/**
 * The same for a whole binding (tests wrap env.DB with it): its sessions are metered into the
 * same `usage`.
 */
export function meteredD1(
	d1: D1Database,
	usage: D1Usage,
	rider: WriteRider = {},
	policy: RetryPolicy = defaultRetryPolicy,
): D1Database {
	return {
		...metered(d1, usage, rider, policy),
		exec: (query: string) => {
			usage.queries += 1;
			return d1.exec(query);
		},
		withSession: (...args: Parameters<D1Database["withSession"]>) =>
			meteredSession(d1.withSession(...args), usage, rider, policy),
		dump: () => d1.dump(),
	} as D1Database;
}

const outboxInsert = /^\s*(with\b[\s\S]*)?insert into "webhook_deliveries"/i;

function metered(d1: D1Handle, usage: D1Usage, rider: WriteRider, policy: RetryPolicy): D1Handle {
	const originals = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
	/** The SQL text of each statement this wrapper prepared; unknown statements count as writes. */
	const queries = new WeakMap<D1PreparedStatement, string>();

	/** Runs statements as one round trip, with the rider joined to the first write. */
	const batch = async <T>(statements: D1PreparedStatement[], hasWrite: boolean) => {
		const riding = hasWrite ? rider.statement : undefined;
		if (riding) rider.statement = undefined;
		const sent = riding
			? [...statements, d1.prepare(riding.sql).bind(...riding.params)]
			: statements;
		const retriable = sent.every((statement) => mayRetry(queries.get(statement) ?? "UPDATE"));
		const results = await withRetry(retriable, policy, () => {
			usage.queries += 1;
			return d1.batch<T>(sent);
		});
		for (const [index, result] of results.entries()) {
			record(usage, result.meta);
			if (outboxInsert.test(queries.get(sent[index] as D1PreparedStatement) ?? "")) {
				usage.outboxRows = (usage.outboxRows ?? 0) + (result.meta?.changes ?? 0);
			}
		}
		return riding ? results.slice(0, -1) : results;
	};

	const wrap = (statement: D1PreparedStatement, query: string): D1PreparedStatement => {
		queries.set(statement, query);
		const execute = async <T>(): Promise<D1Result<T>> => {
			if (isWrite(query) && rider.statement) {
				const [result] = await batch<T>([statement], true);
				if (result) return result;
			}
			const result = await withRetry(mayRetry(query), policy, () => {
				usage.queries += 1;
				return statement.all<T>();
			});
			record(usage, result.meta);
			return result;
		};
		const all = execute;
		const wrapped = {
			bind: (...values: unknown[]) => wrap(statement.bind(...values), query),
			all,
			run: execute,
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
		prepare: (query: string) => wrap(d1.prepare(query), query),
		batch: <T>(statements: D1PreparedStatement[]) =>
			batch<T>(
				statements.map((s) => originals.get(s) ?? s),
				true,
			),
	};
}
