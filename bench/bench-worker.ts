// Bench-only entry (scripts/bench.mjs serves it with `wrangler dev`; never deployed): the
// production worker plus two routes that run the range query's exact SQL on the same D1 with no
// framework around it (no Hono, validation, auth, middleware or drizzle):
//   /__bench/range  answers what the API answers: the same rows, the same JSON (occurrenceJson),
//                   the same one-line request log. API / this = what the framework costs.
//   /__bench/raw    D1's rows as JSON and nothing else: the floor.
import { ALL_CALENDARS } from "../src/db/calendar-scope";
import { createDb } from "../src/db/client";
import production from "../src/index";
import { overlapQuery } from "../src/occurrences/overlap";
import { type D1OccurrenceRow, occurrenceRowOf } from "../src/occurrences/service";
import { occurrenceJson } from "../src/wire/sessions";

/** The API's default page; it asks D1 for one row more to learn whether a next page exists. */
const PAGE = 500;

/** SQL and parameters per query string, so the bare routes build no query per request. */
const statements = new Map<string, { sql: string; params: unknown[] }>();

function statementFor(env: Env, url: URL) {
	let statement = statements.get(url.search);
	if (!statement) {
		const start = Date.parse(url.searchParams.get("start") ?? "");
		const end = Date.parse(url.searchParams.get("end") ?? "");
		statement = overlapQuery(createDb(env.DB), {
			start,
			end,
			limit: PAGE + 1,
			scope: ALL_CALENDARS,
		}).toSQL();
		statements.set(url.search, statement);
	}
	return statement;
}

async function bareRange(request: Request, env: Env, url: URL, sameOutput: boolean) {
	const started = Date.now();
	const { sql, params } = statementFor(env, url);
	const { results, meta } = await env.DB.prepare(sql)
		.bind(...params)
		.all<D1OccurrenceRow>();
	if (!sameOutput) return Response.json(results);
	const body = results.slice(0, PAGE).map((row) => occurrenceJson(occurrenceRowOf(row)));
	console.log(
		JSON.stringify({
			event: "request",
			method: request.method,
			route: url.pathname,
			path: url.pathname,
			status: 200,
			duration_ms: Date.now() - started,
			request_id: crypto.randomUUID(),
			key_id: null,
			d1: { queries: 1, durationMs: meta.duration, rowsRead: meta.rows_read, rowsWritten: 0 },
		}),
	);
	return Response.json(body);
}

export default {
	...production,
	fetch(request, env, ctx) {
		const url = new URL(request.url);
		if (url.pathname === "/__bench/range") return bareRange(request, env, url, true);
		if (url.pathname === "/__bench/raw") return bareRange(request, env, url, false);
		return production.fetch(request, env, ctx);
	},
} satisfies ExportedHandler<Env>;
