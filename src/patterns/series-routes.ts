import { createRoute, z } from "@hono/zod-openapi";
import { jsonWithEtag } from "../http/etag";
import { jsonResponse, problems } from "../http/openapi";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { respondWithRange } from "../occurrences/range";
import { OccurrenceSchema, RangeQuery } from "../occurrences/schemas";

export const seriesRoutes = createRouter();

seriesRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}/occurrences",
		operationId: "listPatternOccurrences",
		tags: ["Patterns"],
		summary: "One series' sessions overlapping [start, end), by start then id (paginated)",
		description:
			"The same query, overlap rule, order and pagination as GET /api/occurrences, limited to the sessions of one pattern. A deleted pattern answers 404; its history stays in GET /api/occurrences.",
		request: { params: idParam("Pattern"), query: RangeQuery },
		responses: {
			200: jsonResponse(z.array(OccurrenceSchema), "The series' sessions"),
			...problems(400, 404),
		},
	}),
	async (c) => {
		const patternId = c.req.valid("param").id;
		return jsonWithEtag(c, await respondWithRange(c, c.req.valid("query"), patternId));
	},
);
