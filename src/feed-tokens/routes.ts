import { createRoute, z } from "@hono/zod-openapi";
import { narrowScope } from "../calendars/scope";
import { jsonBody, jsonResponse, problems } from "../http/openapi";
import { decodeCursor, pageLimit, pageQuery, paginate } from "../http/pagination";
import { createRouter } from "../http/validation";
import { calendarIdField, calendarIdQuery, idParam } from "../lib/fields";
import {
	createFeedToken,
	feedTokenJson,
	feedUrl,
	listFeedTokens,
	revokeFeedToken,
} from "./service";

const tags = ["Feed tokens"];

const tokenExample = {
	id: 2,
	name: "Reception's phone calendar",
	prefix: "calfeed_Zk3q9T",
	pattern_id: null,
	calendar_id: 1,
	created_at: "2026-01-01T09:00:00.123Z",
	created_by: "root",
};

export const FeedTokenSchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		prefix: z.string().openapi({ description: "The token's first characters, to tell them apart" }),
		pattern_id: z.number().int().nullable().openapi({
			description: "Null: every feed; otherwise only this series' feed",
		}),
		calendar_id: z.number().int().openapi({ description: "The calendar whose feeds it opens" }),
		created_at: z.string(),
		created_by: z.string().nullable().openapi({ description: "Who created it: root or key:{id}" }),
	})
	.openapi("FeedToken", { example: tokenExample });

const secretExample = "calfeed_Zk3q9TbN1cYw8vRm2LpQ7sX4dF6gH0jK5aE9uI3oB2z";

export const NewFeedTokenSchema = FeedTokenSchema.extend({
	token: z.string().openapi({ description: "The secret: shown only in this response" }),
	url: z.string().openapi({ description: "The feed address with the token, for a calendar app" }),
}).openapi("NewFeedToken", {
	example: {
		...tokenExample,
		token: secretExample,
		url: `https://calendar.example.com/api/calendar.ics?key=${secretExample}`,
	},
});

export const CreateFeedTokenBody = z
	.object({
		name: z.string().min(1, "Name may not be blank.").max(100),
		pattern_id: z
			.number()
			.int()
			.positive("A pattern id is a positive integer.")
			.nullable()
			.optional()
			.openapi({ description: "Limit the token to this series' feed; omit for every feed" }),
		calendar_id: calendarIdField.optional().openapi({
			description:
				"The calendar whose feeds it opens; omitted: the pattern's, else the default calendar (or a scoped key's first)",
		}),
	})
	.openapi("CreateFeedToken", { example: { name: "Reception's phone calendar" } });

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
