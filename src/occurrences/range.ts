import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { decodeCursor, paginate } from "../http/pagination";
import type { RangeQuery } from "./schemas";
import { occurrenceJson } from "./serialize";
import { listOccurrences } from "./service";

/**
 * Answers a range query (all sessions, or one series). Old clients read a range as one array of
 * every overlapping session (API.md), so without `limit` the whole range comes back; with one,
 * pages and an RFC 8288 Link header.
 */
export async function respondWithRange(
	c: Context<AppEnv>,
	query: z.output<typeof RangeQuery>,
	patternId?: number,
) {
	const { limit } = query;
	const after = query.cursor ? decodeCursor(query.cursor, ["s", "i"]) : undefined;
	const rows = await listOccurrences(c.var.db, {
		start: query.start,
		end: query.end,
		statuses: query.status,
		patternId,
		after: after && { startAt: after.s, id: after.i },
		limit: limit === undefined ? undefined : limit + 1,
	});
	const page =
		limit === undefined ? rows : paginate(c, rows, limit, (row) => ({ s: row.startAt, i: row.id }));
	return page.map(occurrenceJson);
}
