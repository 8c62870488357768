import { createRoute, z } from "@hono/zod-openapi";
import { horizonMonths, writeBudget } from "../config";
import { narrowScope } from "../db/calendar-scope";
import { etagOf, notModified, requiredVersion } from "../http/etag";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { patternJson } from "../wire/patterns";
import { patternChanges } from "./changes";
import { createPatternFromBody } from "./create";
import {
	CreatePatternBody,
	DeletePatternQuery,
	keptBookedSessions,
	ListPatternsQuery,
	PatternSchema,
	UpdatePatternBody,
} from "./schemas";
import {
	deletePattern,
	findPattern,
	listPatterns,
	type PatternWrite,
	updatePattern,
} from "./service";

const tags = ["Patterns"];
const etagHeader = {
	ETag: { schema: { type: "string" as const }, description: "Strong validator" },
};

export const patternRoutes = createRouter();

patternRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createPattern",
		tags,
		summary: "Create a weekly pattern and materialize its sessions",
		request: jsonBody(CreatePatternBody),
		responses: {
			201: jsonResponse(
				z.object({
					pattern: PatternSchema,
					occurrences_created: z.number().int().openapi({ example: 13 }),
				}),
				"Created",
			),
			...problems(400, 409, 413, 415, 422),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const { pattern, created } = await createPatternFromBody(
			c.var.db,
			body,
			Date.now(),
			c.var.principal,
			c.env,
		);
		c.header("ETag", etagOf("pattern", pattern.id, pattern.version));
		c.header("Location", `/api/patterns/${pattern.id}`);
		return c.json({ pattern: patternJson(pattern), occurrences_created: created }, 201);
	},
);

patternRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listPatterns",
		tags,
		summary: "List patterns (by id; paginated with Link headers)",
		request: { query: ListPatternsQuery },
		responses: { 200: jsonResponse(z.array(PatternSchema), "Patterns"), ...problems(400) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const rows = await listPatterns(c.var.db, {
			limit: limit + 1,
			afterId: query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined,
			isActive: query.is_active === undefined ? undefined : query.is_active === "true",
			weekday: query.weekday,
			search: query.search,
			scope: narrowScope(c.var.principal, query.calendar_id),
		});
		const page = paginate(c, rows, limit, (row) => ({ id: row.id }));
		return c.json(page.map(patternJson), 200);
	},
);

const onePattern = { params: idParam("Pattern") };

patternRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}",
		operationId: "getPattern",
		tags,
		summary: "Get one pattern",
		request: onePattern,
		responses: {
			200: { ...jsonResponse(PatternSchema, "The pattern"), headers: etagHeader },
			304: { description: "Not modified (If-None-Match)" },
			...problems(404),
		},
	}),
	async (c) => {
		const pattern = await findPattern(c.var.db, c.req.valid("param").id, c.var.principal);
		const etag = etagOf("pattern", pattern.id, pattern.version);
		c.header("ETag", etag);
		if (notModified(c, etag)) return c.body(null, 304);
		return c.json(patternJson(pattern), 200);
	},
);

patternRoutes.openapi(
	createRoute({
		method: "patch",
		path: "/{id}",
		operationId: "updatePattern",
		tags,
		summary: "Update a pattern; its future unedited sessions follow",
		request: { ...onePattern, ...jsonBody(UpdatePatternBody) },
		responses: {
			200: { ...jsonResponse(PatternSchema, "The updated pattern"), headers: etagHeader },
			...problems(400, 404, 409, 412, 413, 415),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		const body = c.req.valid("json");
		const pattern = await updatePattern(c.var.db, id, patternChanges(body), {
			now: Date.now(),
			requiredVersion: requiredVersion(c, "pattern", id),
			horizonMonths: horizonMonths(c.env),
			budget: writeBudget(c.env),
			scope: c.var.principal,
		});
		c.header("ETag", etagOf("pattern", pattern.id, pattern.version));
		return c.json({ ...patternJson(pattern), ...keptJson(pattern) }, 200);
	},
);

/** Booked sessions a write left as they were (bookings never move), when there are any. */
const keptJson = (write: PatternWrite) =>
	write.keptBookedSessions ? { kept_booked_sessions: write.keptBookedSessions } : {};

patternRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "deletePattern",
		tags,
		summary: "Delete a pattern (history stays), or only deactivate it with delete_future=false",
		request: { ...onePattern, query: DeletePatternQuery },
		responses: {
			200: jsonResponse(
				z.object({ message: z.string(), kept_booked_sessions: keptBookedSessions }).openapi({
					example: {
						message:
							"Pattern 42 deleted, with its future unedited sessions; past and edited sessions remain.",
					},
				}),
				"Deleted or deactivated",
			),
			...problems(400, 404, 409, 412),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		const flag = c.req.valid("query").delete_future ?? "true";
		const deleteFuture = ["true", "True", "1"].includes(flag);
		const write = await deletePattern(c.var.db, id, {
			now: Date.now(),
			deleteFuture,
			requiredVersion: requiredVersion(c, "pattern", id),
			scope: c.var.principal,
		});
		const message = deleteFuture
			? `Pattern ${id} deleted, with its future unedited sessions; past and edited sessions remain.`
			: `Pattern ${id} deactivated; its sessions remain and no new ones will be generated.`;
		return c.json({ message, ...keptJson(write) }, 200);
	},
);
