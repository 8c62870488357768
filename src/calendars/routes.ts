import { createRoute, z } from "@hono/zod-openapi";
import { NewFeedTokenSchema } from "../feed-tokens/routes";
import { createFeedToken, feedTokenJson, feedUrl } from "../feed-tokens/service";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, pageQuery, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { serveFeed } from "../ical/revalidate";
import { FeedQuery, feedDescription, feedResponses, feedSecurity } from "../ical/routes";
import { idParam, timeZone } from "../lib/fields";
import {
	calendarJson,
	createCalendar,
	deleteCalendar,
	findCalendar,
	listCalendars,
	updateCalendar,
} from "./service";

const tags = ["Calendars"];

const calendarExample = {
	id: 2,
	name: "Riverside studio",
	timezone: "Europe/Paris",
	created_at: "2026-01-01T09:00:00.123Z",
	updated_at: "2026-01-01T09:00:00.123Z",
};

export const CalendarSchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		timezone: z
			.string()
			.openapi({ description: "The default zone of its new patterns and sessions" }),
		created_at: z.string(),
		updated_at: z.string(),
	})
	.openapi("Calendar", { example: calendarExample });

const name = z
	.string()
	.trim()
	.min(1, "Name may not be blank.")
	.max(100, "Name is at most 100 characters.")
	.openapi({ example: "Riverside studio" });

export const CreateCalendarBody = z
	.object({
		name,
		timezone: timeZone.optional().openapi({
			description: "The default zone for its new patterns and sessions (default UTC)",
		}),
	})
	.openapi("CreateCalendar", { example: { name: "Riverside studio", timezone: "Europe/Paris" } });

export const UpdateCalendarBody = z
	.object({ name: name.optional(), timezone: timeZone.optional() })
	.openapi("UpdateCalendar", { example: { name: "Riverside studio (main hall)" } });

const CreateCalendarFeedTokenBody = z
	.object({
		name: z.string().min(1, "Name may not be blank.").max(100),
	})
	.openapi("CreateCalendarFeedToken", { example: { name: "Reception's phone calendar" } });

const oneCalendar = { params: idParam("Calendar") };

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

calendarRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/feed-tokens",
		operationId: "createCalendarFeedToken",
		tags,
		summary: "Create a feed token for this calendar's feeds (admin; shown once)",
		description:
			"The token opens this calendar's feeds (GET /api/calendars/{id}/calendar.ics and its series' feeds) as `?key=`, read-only and nothing else; revoke it with DELETE /api/feed-tokens/{id}.",
		request: { ...oneCalendar, ...jsonBody(CreateCalendarFeedTokenBody) },
		responses: {
			201: jsonResponse(NewFeedTokenSchema, "Created; `token` and `url` are shown only now"),
			...problems(400, 404, 413, 415),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		const body = c.req.valid("json");
		const { row, secret } = await createFeedToken(
			c.var.db,
			{ name: body.name, patternId: null, calendarId: id },
			{ now: Date.now(), createdBy: c.var.principal.id, scope: c.var.principal },
		);
		return c.json(
			{ ...feedTokenJson(row), token: secret, url: feedUrl(c.req.url, { ...row, secret }) },
			201,
		);
	},
);

calendarRoutes.openapi(
	createRoute({
		method: "get",
		path: "/{id}/calendar.ics",
		operationId: "getCalendarFeedById",
		tags: ["Feeds"],
		summary: "One calendar's live series and one-time sessions as an iCalendar feed",
		description: `${feedDescription} Deleted patterns appear while they have sessions to show. A calendar the key (or feed token) cannot see is 404.`,
		request: { ...oneCalendar, query: FeedQuery },
		security: feedSecurity,
		responses: { ...feedResponses, ...problems(400, 404) },
	}),
	(c) => serveFeed(c, { calendarId: c.req.valid("param").id }),
);
