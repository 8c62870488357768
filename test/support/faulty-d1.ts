// A D1 binding that fails chosen round trips, for fault-injection tests. A round trip is one
// execution of a statement (all/run/first/raw) or one batch: what D1 sees as one request.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { runScheduled } from "./scheduled";

export interface FaultPlan {
	/** 1-based index of the first round trip to fail; none fails when absent. */
	failAt?: number;
	/** How many consecutive round trips fail from `failAt` on (default 1; Infinity: all). */
	times?: number;
	/**
	 * "before": the round trip fails without reaching the database (nothing committed).
	 * "after": it runs and commits, then its reply is lost: the outcome the caller cannot know.
	 */
	when?: "before" | "after";
	/** The error thrown; default D1's "Network connection lost". */
	error?: () => Error;
}

export interface RoundTrip {
	kind: "statement" | "batch" | "exec";
	sql: string[];
	failed: boolean;
}

export type FaultyD1 = D1Database & { trips: RoundTrip[] };

export const transientError = () => new Error("D1_ERROR: Network connection lost.");
export const permanentError = () => new Error("D1_ERROR: no such column: nope: SQLITE_ERROR");

export function faultyD1(d1: D1Database, plan: FaultPlan = {}): FaultyD1 {
	const trips: RoundTrip[] = [];
	const real = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
	const sqlOf = new WeakMap<D1PreparedStatement, string>();

	const roundTrip = async <T>(
		kind: RoundTrip["kind"],
		sql: string[],
		run: () => Promise<T>,
	): Promise<T> => {
		const index = trips.length + 1;
		const { failAt, times = 1 } = plan;
		const failed = failAt !== undefined && index >= failAt && index < failAt + times;
		trips.push({ kind, sql, failed });
		if (!failed) return run();
		if (plan.when === "after") await run();
		throw (plan.error ?? transientError)();
	};

	const wrap = (statement: D1PreparedStatement, query: string): D1PreparedStatement => {
		const trip = <T>(run: () => Promise<T>) => roundTrip("statement", [query], run);
		const wrapped = {
			bind: (...values: unknown[]) => wrap(statement.bind(...values), query),
			all: () => trip(() => statement.all()),
			run: () => trip(() => statement.run()),
			first: (column?: string) =>
				trip(() => (column === undefined ? statement.first() : statement.first(column))),
			raw: (options?: { columnNames?: boolean }) =>
				trip(() =>
					options?.columnNames
						? statement.raw({ columnNames: true })
						: statement.raw({ columnNames: false }),
				),
		} as unknown as D1PreparedStatement;
		real.set(wrapped, statement);
		sqlOf.set(wrapped, query);
		return wrapped;
	};

	// The binding and its sessions (the Worker queries through one per request) share the plan.
	const handle = (target: Pick<D1Database, "prepare" | "batch">) => ({
		prepare: (query: string) => wrap(target.prepare(query), query),
		batch: <T>(statements: D1PreparedStatement[]) =>
			roundTrip(
				"batch",
				statements.map((statement) => sqlOf.get(statement) ?? "?"),
				() => target.batch<T>(statements.map((statement) => real.get(statement) ?? statement)),
			),
	});

	return {
		...handle(d1),
		exec: (query: string) => roundTrip("exec", [query], () => d1.exec(query)),
		withSession: (...args: Parameters<D1Database["withSession"]>) => {
			const session = d1.withSession(...args);
			return { ...handle(session), getBookmark: () => session.getBookmark() };
		},
		dump: () => d1.dump(),
		trips,
	} as FaultyD1;
}

/** Sends a request through the Worker's real entry point with a faulty D1 in place of env.DB. */
export async function fetchWithFaults(plan: FaultPlan, request: Request) {
	const DB = faultyD1(env.DB, plan);
	const ctx = createExecutionContext();
	const response = await worker.fetch(request, { ...env, DB }, ctx);
	await waitOnExecutionContext(ctx);
	return { response, trips: DB.trips };
}

/** Runs the Cron Trigger's handler with a faulty D1; `error` is what the run failed with. */
export async function scheduledWithFaults(
	plan: FaultPlan,
	scheduledTime = Date.now(),
	vars: Partial<Env> = {},
) {
	const DB = faultyD1(env.DB, plan);
	const error = await runScheduled(scheduledTime, { ...env, ...vars, DB }).then(
		() => undefined,
		(failure: unknown) => failure,
	);
	return { error, trips: DB.trips };
}
