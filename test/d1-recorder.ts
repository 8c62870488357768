import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../src/index";
import { ROOT_TOKEN } from "./helpers";

/** One statement as D1 ran it: the SQL text drizzle produced and the values bound to it. */
export interface RecordedStatement {
	sql: string;
	params: unknown[];
}

/**
 * Wraps a D1 binding so that every statement it runs, alone or in a batch, is appended to `log`.
 * The plan and parameter tests read the log, so they check exactly the SQL the code sends.
 */
export function recordingD1(d1: D1Database, log: RecordedStatement[]): D1Database {
	const originals = new WeakMap<object, D1PreparedStatement>();
	const entries = new WeakMap<object, RecordedStatement>();

	const wrap = (statement: D1PreparedStatement, entry: RecordedStatement): D1PreparedStatement => {
		const logged = <T>(execute: () => T): T => {
			log.push(entry);
			return execute();
		};
		const wrapped = {
			bind: (...values: unknown[]) => wrap(statement.bind(...values), { ...entry, params: values }),
			all: () => logged(() => statement.all()),
			run: () => logged(() => statement.run()),
			first: (column?: string) =>
				logged(() => (column ? statement.first(column) : statement.first())),
			raw: (options?: { columnNames?: boolean }) =>
				logged(() => statement.raw(options as { columnNames: true })),
		} as unknown as D1PreparedStatement;
		originals.set(wrapped, statement);
		entries.set(wrapped, entry);
		return wrapped;
	};

	// The binding and its sessions (the Worker queries through one per request) log alike.
	const handle = (target: Pick<D1Database, "prepare" | "batch">) => ({
		prepare: (sql: string) => wrap(target.prepare(sql), { sql, params: [] }),
		batch: (statements: D1PreparedStatement[]) => {
			for (const statement of statements) {
				const entry = entries.get(statement);
				if (entry) log.push(entry);
			}
			return target.batch(statements.map((statement) => originals.get(statement) ?? statement));
		},
	});

	return {
		...handle(d1),
		exec: (query: string) => d1.exec(query),
		withSession: (...args: Parameters<D1Database["withSession"]>) => {
			const session = d1.withSession(...args);
			return { ...handle(session), getBookmark: () => session.getBookmark() };
		},
		dump: () => d1.dump(),
	} as D1Database;
}

/** The worker's env with its D1 binding recording into `log`. */
export const recordingEnv = (log: RecordedStatement[]): Env => ({
	...env,
	DB: recordingD1(env.DB, log),
});

/** Calls the worker's real fetch entry point with a recording env; JSON in and out, root token. */
export async function fetchRecorded(
	log: RecordedStatement[],
	method: string,
	path: string,
	body?: unknown,
) {
	const headers: Record<string, string> = { Authorization: `Bearer ${ROOT_TOKEN}` };
	if (body !== undefined) headers["Content-Type"] = "application/json";
	const request = new Request(`https://calendar.test${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const ctx = createExecutionContext();
	const response = await worker.fetch(request, recordingEnv(log), ctx);
	await waitOnExecutionContext(ctx);
	const text = await response.text();
	if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return text ? JSON.parse(text) : undefined;
}
