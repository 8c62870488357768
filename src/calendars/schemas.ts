import { z } from "@hono/zod-openapi";
import { idParam, timeZone } from "../lib/fields";

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

export const oneCalendar = { params: idParam("Calendar") };
