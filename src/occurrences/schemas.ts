import { z } from "@hono/zod-openapi";
import { occurrenceStatuses } from "../db/schema";
import { pageQuery } from "../http/pagination";
import {
	calendarIdField,
	calendarIdQuery,
	description,
	durationMinutes,
	instant,
	sessionStart,
	timeZone,
	title,
} from "../lib/fields";
import type { OneTimeFields } from "./service";

/** Seats of a session or of a pattern's sessions: 1–10,000, or null for unlimited. */
export const capacity = z
	.number()
	.int("Capacity is a whole number, 1 to 10000, or null.")
	.min(1, "Capacity is 1 to 10000, or null.")
	.max(10_000, "Capacity is 1 to 10000, or null.")
	.nullable()
	.openapi({ example: 20, description: "Seats; null = unlimited" });

export const CreateOccurrenceBody = z
	.object({
		title,
		description: description.optional(),
		start_datetime: sessionStart,
		duration_minutes: durationMinutes.optional(),
		timezone: timeZone.optional(),
		calendar_id: calendarIdField.optional(),
	})
	.openapi("CreateOccurrence", {
		example: {
			title: "Open house",
			start_datetime: "2026-02-14T10:00:00+01:00",
			duration_minutes: 90,
			timezone: "Europe/Paris",
			calendar_id: 1,
		},
	});

export const UpdateOccurrenceBody = z
	.object({
		title: title.optional(),
		description: description.optional(),
		start_datetime: sessionStart.optional(),
		duration_minutes: durationMinutes.optional(),
		capacity: capacity.optional(),
	})
	.openapi("UpdateOccurrence", { example: { start_datetime: "2026-02-14T11:00:00Z" } });

const statusList = z
	.string()
	.transform((text, ctx) => {
		const statuses = text.split(",").map((part) => part.trim());
		const unknown = statuses.filter(
			(status) => !(occurrenceStatuses as readonly string[]).includes(status),
		);
		if (unknown.length) {
			ctx.addIssue({
				code: "custom",
				message: `Status is one of ${occurrenceStatuses.join(", ")}.`,
			});
			return z.NEVER;
		}
		// Deduplicated: a list can then hold at most one entry per status, however long the
		// parameter, so the IN (...) list never nears SQLite's bound-variable limit.
		return [...new Set(statuses)] as (typeof occurrenceStatuses)[number][];
	})
	.openapi({ type: "string", example: "scheduled", description: "One status or a comma list" });

export const RangeQuery = z
	.object({
		start: instant,
		end: instant,
		status: statusList.optional(),
		calendar_id: calendarIdQuery,
		...pageQuery,
	})
	.superRefine((query, ctx) => {
		if (query.start >= query.end) {
			ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start." });
		}
	});

export const OccurrenceSchema = z
	.object({
		id: z.number().int(),
		title: z.string(),
		description: z.string(),
		recurrence_pattern: z.number().int().nullable(),
		pattern_id: z.number().int().nullable(),
		start_datetime: z.string(),
		end_datetime: z.string(),
		original_start_datetime: z.string().nullable(),
		duration_minutes: z.number().int(),
		status: z.enum(occurrenceStatuses),
		is_exception: z.boolean(),
		is_one_time: z.boolean(),
		is_recurring: z.boolean(),
		timezone: z.string(),
		calendar_id: z.number().int().openapi({ description: "The calendar it belongs to" }),
		start_local: z.string(),
		capacity: z.number().int().nullable().openapi({ description: "Seats; null = unlimited" }),
		booked: z.number().int().openapi({ description: "Seats of confirmed bookings" }),
		held: z.number().int().openapi({ description: "Seats under live holds" }),
		waitlisted: z.number().int().openapi({ description: "Seats waiting in line" }),
		available: z
			.number()
			.int()
			.nullable()
			.openapi({ description: "capacity − booked − held, never below 0; null when unlimited" }),
		created_at: z.string(),
		updated_at: z.string(),
	})
	.openapi("Occurrence", {
		example: {
			id: 7,
			title: "Morning yoga",
			description: "",
			recurrence_pattern: 1,
			pattern_id: 1,
			start_datetime: "2026-01-06T06:30:00Z",
			end_datetime: "2026-01-06T07:30:00Z",
			original_start_datetime: "2026-01-06T06:30:00Z",
			duration_minutes: 60,
			status: "scheduled",
			is_exception: false,
			is_one_time: false,
			is_recurring: true,
			timezone: "Europe/Paris",
			calendar_id: 1,
			start_local: "2026-01-06T07:30:00+01:00",
			capacity: 20,
			booked: 12,
			held: 2,
			waitlisted: 0,
			available: 6,
			created_at: "2026-01-01T09:00:00.123Z",
			updated_at: "2026-01-01T09:00:00.123Z",
		},
	});

export const OccurrenceMessage = z.object({
	message: z.string().openapi({ example: "Occurrence 7 cancelled." }),
	occurrence: OccurrenceSchema,
});

/** A validated create body as the service's fields, with the contract's defaults filled in. */
export function oneTimeFields(
	body: z.output<typeof CreateOccurrenceBody>,
	calendar: { id: number; timezone: OneTimeFields["timezone"] } = { id: 1, timezone: "UTC" },
): OneTimeFields {
	return {
		title: body.title,
		description: body.description ?? "",
		startAt: body.start_datetime,
		durationMinutes: body.duration_minutes ?? 60,
		timezone: body.timezone ?? calendar.timezone,
		calendarId: calendar.id,
	};
}
