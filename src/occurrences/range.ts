import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { narrowScope } from "../db/calendar-scope";
import type { AppEnv } from "../http/app-env";
import { decodeCursor, pageLimit, paginate } from "../http/pagination";
import { occurrenceJson } from "../wire/sessions";
import type { RangeQuery } from "./schemas";
import { listOccurrences, listSeriesOccurrences } from "./service";

/** Answers a range query (all sessions, or one series: 404 if it is gone), a page at a time. */
export async function respondWithRange(
	c: Context<AppEnv>,
	query: z.output<typeof RangeQuery>,
	patternId?: number,
) {
	const limit = pageLimit(query.limit);
	const after = query.cursor ? decodeCursor(query.cursor, ["s", "i"]) : undefined;
	const filter = {
		start: query.start,
		end: query.end,
		statuses: query.status,
		after: after && { startAt: after.s, id: after.i },
		limit: limit + 1,
		scope: narrowScope(c.var.principal, query.calendar_id),
	};
	const rows =
		patternId === undefined
			? await listOccurrences(c.var.db, filter)
			: await listSeriesOccurrences(c.var.db, patternId, filter);
	const page = paginate(c, rows, limit, (row) => ({ s: row.startAt, i: row.id }));
	return page.map(occurrenceJson);
}
