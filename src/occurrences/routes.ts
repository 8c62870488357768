import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { calendarForInsert } from "../calendars/service";
import type { AppEnv } from "../http/app-env";
import { etagOf, jsonWithEtag, notModified, requiredVersion } from "../http/etag";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { createRouter } from "../http/validation";
import { idParam } from "../lib/fields";
import { occurrenceJson } from "../wire/sessions";
import { respondWithRange } from "./range";
import {
	CreateOccurrenceBody,
	OccurrenceMessage,
	OccurrenceSchema,
	oneTimeFields,
	RangeQuery,
	UpdateOccurrenceBody,
} from "./schemas";
import { createOneTime, findOccurrence, transitionOccurrence, updateOccurrence } from "./service";

const tags = ["Occurrences"];
const etagHeader = {
	ETag: { schema: { type: "string" as const }, description: "Strong validator" },
};
const withEtag = <T extends object>(response: T) => ({ ...response, headers: etagHeader });

export const occurrenceRoutes = createRouter();

occurrenceRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createOccurrence",
		tags,
		summary: "Create a one-time session",
		request: jsonBody(CreateOccurrenceBody),
		responses: {
			201: withEtag(jsonResponse(OccurrenceSchema, "Created")),
			...problems(400, 409, 413, 415, 422),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const calendar = await calendarForInsert(
			c.var.db,
			body.calendar_id,
			body.timezone,
			c.var.principal,
		);
		const row = await createOneTime(c.var.db, oneTimeFields(body, calendar), Date.now());
		c.header("ETag", etagOf("occurrence", row.id, row.version));
		c.header("Location", `/api/occurrences/${row.id}`);
		return c.json(occurrenceJson(row), 201);
	},
);

occurrenceRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listOccurrences",
		tags,
		summary: "Sessions overlapping [start, end), by start then id",
		request: { query: RangeQuery },
		responses: { 200: jsonResponse(z.array(OccurrenceSchema), "Sessions"), ...problems(400) },
	}),
	async (c) => jsonWithEtag(c, await respondWithRange(c, c.req.valid("query"))),
);

occurrenceRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}",
		operationId: "getOccurrence",
		tags,
		summary: "Get one session",
		request: { params: idParam("Occurrence") },
		responses: {
			200: withEtag(jsonResponse(OccurrenceSchema, "The session")),
			304: { description: "Not modified (If-None-Match)" },
			...problems(404),
		},
	}),
	async (c) => {
		const row = await findOccurrence(c.var.db, c.req.valid("param").id, c.var.principal);
		const etag = etagOf("occurrence", row.id, row.version);
		c.header("ETag", etag);
		if (notModified(c, etag)) return c.body(null, 304);
		return c.json(occurrenceJson(row), 200);
	},
);

occurrenceRoutes.openapi(
	createRoute({
		method: "patch",
		path: "/{id}",
		operationId: "updateOccurrence",
		tags,
		summary: "Edit or reschedule one session (it becomes an exception to its pattern)",
		request: { params: idParam("Occurrence"), ...jsonBody(UpdateOccurrenceBody) },
		responses: {
			200: withEtag(jsonResponse(OccurrenceSchema, "The updated session")),
			...problems(400, 404, 409, 412, 413, 415),
		},
	}),
	async (c) => {
		const id = c.req.valid("param").id;
		const body = c.req.valid("json");
		const row = await updateOccurrence(
			c.var.db,
			id,
			{
				title: body.title,
				description: body.description,
				startAt: body.start_datetime,
				durationMinutes: body.duration_minutes,
				capacity: body.capacity,
			},
			{
				now: Date.now(),
				requiredVersion: requiredVersion(c, "occurrence", id),
				scope: c.var.principal,
			},
		);
		c.header("ETag", etagOf("occurrence", row.id, row.version));
		return c.json(occurrenceJson(row), 200);
	},
);

const transitionRoute = (
	method: "delete" | "post",
	path: string,
	operationId: string,
	summary: string,
) =>
	createRoute({
		method,
		path,
		operationId,
		tags,
		summary,
		request: { params: idParam("Occurrence") },
		responses: {
			200: withEtag(jsonResponse(OccurrenceMessage, summary)),
			...problems(404, 409, 412),
		},
	});

/** Cancel or complete (If-Match honoured) and answer the message with the session. */
async function transitioned(c: Context<AppEnv>, id: number, status: "cancelled" | "completed") {
	const row = await transitionOccurrence(c.var.db, id, status, {
		now: Date.now(),
		requiredVersion: requiredVersion(c, "occurrence", id),
		scope: c.var.principal,
	});
	c.header("ETag", etagOf("occurrence", row.id, row.version));
	return c.json({ message: `Occurrence ${id} ${status}.`, occurrence: occurrenceJson(row) }, 200);
}

occurrenceRoutes.openapi(
	transitionRoute(
		"delete",
		"/{id}",
		"cancelOccurrence",
		"Cancel a session (the row stays, status cancelled)",
	),
	(c) => transitioned(c, c.req.valid("param").id, "cancelled"),
);

occurrenceRoutes.openapi(
	transitionRoute("post", "/{id}/complete", "completeOccurrence", "Mark a session completed"),
	(c) => transitioned(c, c.req.valid("param").id, "completed"),
);
