import { createRoute, z } from "@hono/zod-openapi";
import { narrowScope } from "../db/calendar-scope";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, pageQuery, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { calendarIdQuery, idParam } from "../lib/fields";
import { CreateFeedTokenBody, FeedTokenSchema, NewFeedTokenSchema } from "./schemas";
import {
	createFeedToken,
	feedTokenJson,
	feedUrl,
	listFeedTokens,
	revokeFeedToken,
} from "./service";

const tags = ["Feed tokens"];
export const feedTokenRoutes = createRouter();

feedTokenRoutes.openapi(
	createRoute({
		method: "post",
		path: "/",
		operationId: "createFeedToken",
		tags,
		summary: "Create a feed token (read-only, feeds only; shown once, only its hash is stored)",
		description:
			"A feed token is the credential for `?key=` on the .ics feeds, for calendar apps that cannot send headers. It opens the feeds and nothing else: with `pattern_id`, only that series' feed. `url` is the address to paste into the calendar app.",
		request: jsonBody(CreateFeedTokenBody),
		responses: {
			201: jsonResponse(NewFeedTokenSchema, "Created; `token` and `url` are shown only now"),
			...problems(400, 404, 413, 415),
		},
	}),
	async (c) => {
		const body = c.req.valid("json");
		const { row, secret } = await createFeedToken(
			c.var.db,
			{ name: body.name, patternId: body.pattern_id ?? null, calendarId: body.calendar_id },
			{ now: Date.now(), createdBy: c.var.principal.id, scope: c.var.principal },
		);
		const url = feedUrl(c.req.url, { ...row, secret });
		return c.json({ ...feedTokenJson(row), token: secret, url }, 201);
	},
);

feedTokenRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listFeedTokens",
		tags,
		summary: "List live feed tokens (never their secrets), by id; paginated with Link headers",
		request: { query: z.object({ ...pageQuery, calendar_id: calendarIdQuery }) },
		responses: { 200: jsonResponse(z.array(FeedTokenSchema), "Feed tokens"), ...problems(400) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const limit = pageLimit(query.limit);
		const rows = await listFeedTokens(c.var.db, {
			afterId: query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined,
			limit: limit + 1,
			scope: narrowScope(c.var.principal, query.calendar_id),
		});
		return c.json(paginate(c, rows, limit, (row) => ({ id: row.id })).map(feedTokenJson), 200);
	},
);

feedTokenRoutes.openapi(
	createRoute({
		method: "delete",
		path: "/{id}",
		operationId: "revokeFeedToken",
		tags,
		summary: "Revoke a feed token: its feed address stops working at once",
		request: { params: idParam("Feed token") },
		responses: {
			200: jsonResponse(
				z
					.object({ message: z.string() })
					.openapi({ example: { message: "Feed token 2 revoked." } }),
				"Revoked",
			),
			...problems(404),
		},
	}),
	async (c) => {
		const { id } = c.req.valid("param");
		await revokeFeedToken(c.var.db, id, Date.now(), c.var.principal);
		return c.json({ message: `Feed token ${id} revoked.` }, 200);
	},
);

const CreateCalendarFeedTokenBody = z
	.object({
		name: z.string().min(1, "Name may not be blank.").max(100),
	})
	.openapi("CreateCalendarFeedToken", { example: { name: "Reception's phone calendar" } });

/** POST /api/calendars/{id}/feed-tokens: mounted beside the calendar routes. */
export const calendarFeedTokenRoutes = createRouter();

calendarFeedTokenRoutes.openapi(
	createRoute({
		method: "post",
		path: "/{id}/feed-tokens",
		operationId: "createCalendarFeedToken",
		tags: ["Calendars"],
		summary: "Create a feed token for this calendar's feeds (admin; shown once)",
		description:
			"The token opens this calendar's feeds (GET /api/calendars/{id}/calendar.ics and its series' feeds) as `?key=`, read-only and nothing else; revoke it with DELETE /api/feed-tokens/{id}.",
		request: { params: idParam("Calendar"), ...jsonBody(CreateCalendarFeedTokenBody) },
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
