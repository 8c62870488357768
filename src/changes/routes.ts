import { createRoute, z } from "@hono/zod-openapi";
import type { Principal } from "../http/app-env";
import { jsonResponse, problems } from "../http/openapi";
import { decodeCursor, encodeCursor } from "../http/pagination";
import { ApiError } from "../http/problem";
import { createRouter } from "../http/validation";
import { changeJson, listChanges, RETENTION_MS } from "./service";

const tags = ["Changes"];
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

/** The calendars a key may see (null: all). Calendar scoping adds `calendarIds` to Principal. */
const keyCalendars = (principal: Principal): readonly number[] | null =>
	(principal as { calendarIds?: readonly number[] | null }).calendarIds ?? null;

export const ChangeSchema = z
	.object({
		seq: z.number().int().openapi({ description: "Position in the feed; strictly increasing" }),
		type: z.enum(["pattern", "occurrence", "booking", "calendar"]),
		id: z.number().int().openapi({ description: "The resource's id" }),
		op: z.enum(["created", "updated", "deleted"]),
		event: z.string().openapi({ description: "The webhook event it stands for" }),
		calendar_id: z.number().int(),
		at: z.string().openapi({ description: "When the write committed (ISO 8601, UTC)" }),
		data: z.unknown().openapi({
			description: "The resource as its GET showed it right after the write; null for deleted",
		}),
	})
	.openapi("Change");

const example = {
	changes: [
		{
			seq: 41,
			type: "occurrence" as const,
			id: 812,
			op: "updated" as const,
			event: "occurrence.cancelled",
			calendar_id: 1,
			at: "2026-03-02T09:14:03.120Z",
			data: { id: 812, title: "Yoga", status: "cancelled" },
		},
	],
	next_cursor: "eyJzZXEiOjQxLCJhdCI6MTc3MjQ0Mjg0MzEyMH0",
	has_more: false,
};

export const ChangePage = z
	.object({
		changes: z.array(ChangeSchema),
		next_cursor: z
			.string()
			.openapi({ description: "Send it as ?cursor= to read on; store it between polls" }),
		has_more: z.boolean(),
	})
	.openapi("ChangePage", { example });

const ChangesQuery = z.object({
	cursor: z.string().max(512).optional().openapi({
		description: "next_cursor of the previous page; omitted: from the oldest change kept",
	}),
	limit: z.coerce
		.number()
		.int(`limit is 1 to ${MAX_LIMIT}.`)
		.min(1, `limit is 1 to ${MAX_LIMIT}.`)
		.max(MAX_LIMIT, `limit is 1 to ${MAX_LIMIT}.`)
		.optional()
		.openapi({
			description: `Changes per page, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})`,
			example: 100,
		}),
	calendar_id: z.coerce
		.number()
		.int()
		.min(1)
		.optional()
		.openapi({ description: "Only this calendar's changes" }),
});

export const changeRoutes = createRouter();

changeRoutes.openapi(
	createRoute({
		method: "get",
		path: "/",
		operationId: "listChanges",
		tags,
		summary: "The change feed: every write's changes in seq order, from a cursor",
		description:
			"Each write appends one change per resource it touched, in the same atomic batch. The same cursor always gives the same page; a client that stores next_cursor and calls again sees every change once. Changes are kept 30 days: an older cursor is 410 (resync).",
		request: { query: ChangesQuery },
		responses: { 200: jsonResponse(ChangePage, "A page of changes"), ...problems(400, 410) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const now = Date.now();
		const limit = query.limit ?? DEFAULT_LIMIT;
		const from = query.cursor ? decodeCursor(query.cursor, ["seq", "at"]) : { seq: 0, at: now };
		if (from.at < now - RETENTION_MS) {
			throw new ApiError("gone", "This cursor is older than the 30 days changes are kept; resync.");
		}
		const rows = await listChanges(c.var.db, {
			afterSeq: from.seq,
			limit: limit + 1,
			calendarIds: keyCalendars(c.var.principal),
			calendarId: query.calendar_id,
		});
		const page = rows.slice(0, limit);
		const last = page[page.length - 1];
		// An empty page keeps the position and moves the cursor's clock: a quiet feed never expires it.
		const next = last ? { seq: last.seq, at: last.at } : { seq: from.seq, at: now };
		return c.json(
			{
				changes: page.map(changeJson),
				next_cursor: encodeCursor(next),
				has_more: rows.length > limit,
			},
			200,
		);
	},
);
