import { z } from "@hono/zod-openapi";
import { calendarIdField } from "../lib/fields";

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
