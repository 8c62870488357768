import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, pageQuery, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { CalendarSchema, CreateCalendarBody, oneCalendar, UpdateCalendarBody } from "./schemas";
import {
	calendarJson,
	createCalendar,
	deleteCalendar,
	findCalendar,
	listCalendars,
	updateCalendar,
} from "./service";

const tags = ["Calendars"];
export const calendarRoutes = createRouter();

calendarRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createCalendar",
		tags,
		summary: "Create a calendar (admin; a key that sees every calendar)",
		description:
			"A studio, location, room or teacher: its patterns, sessions and feeds are invisible to keys scoped to other calendars. A key scoped to some calendars cannot create one (403).",
		request: jsonBody(CreateCalendarBody),
		responses: {
			201: jsonResponse(CalendarSchema, "Created"),
			...problems(400, 403, 409, 413, 415, 422),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const row = await createCalendar(
			c.var.db,
			{ name: body.name, timezone: body.timezone ?? "UTC" },
			c.var.principal,
			Date.now(),
		);
		c.header("Location", `/api/calendars/${row.id}`);
		return c.json(calendarJson(row), 201);
	},
);

calendarRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listCalendars",
		tags,
		summary: "List the calendars the key sees, by id; paginated with Link headers",
		request: { query: z.object(pageQuery) },
		responses: { 200: jsonResponse(z.array(CalendarSchema), "Calendars"), ...problems(400) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const rows = await listCalendars(c.var.db, c.var.principal, {
			afterId: query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined,
			limit: limit + 1,
		});
		return c.json(paginate(c, rows, limit, (row) => ({ id: row.id })).map(calendarJson), 200);
	},
);

calendarRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}",
		operationId: "getCalendar",
		tags,
		summary: "Get one calendar (404 for one the key cannot see)",
		request: oneCalendar,
		responses: { 200: jsonResponse(CalendarSchema, "The calendar"), ...problems(404) },
	}),
	async (c) => {
		const row = await findCalendar(c.var.db, c.req.valid("param").id, c.var.principal);
		return c.json(calendarJson(row), 200);
	},
);

calendarRoutes.openapi(
	createRoute({
		method: "patch",
		path: "/{id}",
		operationId: "updateCalendar",
		tags,
		summary: "Rename a calendar or change its default zone (admin)",
		description:
			"The zone is the default of new patterns and sessions only: existing ones keep theirs.",
		request: { ...oneCalendar, ...jsonBody(UpdateCalendarBody) },
		responses: {
			200: jsonResponse(CalendarSchema, "The updated calendar"),
			...problems(400, 404, 413, 415),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const row = await updateCalendar(
			c.var.db,
			c.req.valid("param").id,
			body,
			c.var.principal,
			Date.now(),
		);
		return c.json(calendarJson(row), 200);
	},
);

calendarRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "deleteCalendar",
		tags,
		summary: "Delete an empty calendar (admin); its feed tokens are revoked with it",
		description:
			"Only a calendar without patterns and sessions (a deleted pattern's history counts) can go: otherwise 409. The default calendar (1) always stays (409).",
		request: oneCalendar,
		responses: {
			200: jsonResponse(
				z.object({ message: z.string() }).openapi({ example: { message: "Calendar 2 deleted." } }),
				"Deleted",
			),
			...problems(404, 409),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		await deleteCalendar(c.var.db, id, c.var.principal, Date.now());
		return c.json({ message: `Calendar ${id} deleted.` }, 200);
	},
);
