import { z } from "@hono/zod-openapi";
import { pageQuery } from "../http/pagination";
import {
	calendarDate,
	calendarIdField,
	calendarIdQuery,
	description,
	durationMinutes,
	limits,
	timeZone,
	title,
	wallTime,
	weekday,
} from "../lib/fields";
import { capacity } from "../occurrences/schemas";
import type { PatternFields } from "./service";

const weekdays = z
	.array(weekday)
	.min(1, "Give at least one weekday.")
	.max(limits.maxWeekdays, `Give at most ${limits.maxWeekdays} weekdays.`)
	.refine((days) => new Set(days).size === days.length, "Weekdays must not repeat.")
	.openapi({ example: [1, 3], description: "0 = Monday … 6 = Sunday" });

const interval = z
	.number()
	.int()
	.min(1, "Interval is 1 to 52 weeks.")
	.max(limits.maxInterval, "Interval is 1 to 52 weeks.")
	.openapi({ example: 1, description: "Every N weeks, counted from start_date's ISO week" });

const count = z
	.number()
	.int()
	.min(1, `Count is 1 to ${limits.maxCount}.`)
	.max(limits.maxCount, `Count is 1 to ${limits.maxCount}.`)
	.nullable()
	.openapi({ example: 10, description: "End after this many sessions (exclusive with end_date)" });

const ruleFields = {
	title,
	description: description.optional(),
	frequency: z.literal("weekly", "Only weekly patterns exist.").optional(),
	weekday: weekday.optional(),
	weekdays: weekdays.optional(),
	interval: interval.optional(),
	count: count.optional(),
	time: wallTime,
	timezone: timeZone.optional(),
	duration_minutes: durationMinutes.optional(),
	start_date: calendarDate,
	end_date: calendarDate.nullable().optional(),
	is_active: z.boolean().optional(),
	calendar_id: calendarIdField.optional(),
	capacity: capacity.optional(),
	waitlist: z
		.boolean()
		.optional()
		.openapi({ description: "When full, new bookings wait in line (default true)" }),
};

const oneWeekdayField = (body: { weekday?: number; weekdays?: number[] }, ctx: z.RefinementCtx) => {
	if (body.weekday !== undefined && body.weekdays !== undefined) {
		ctx.addIssue({
			code: "custom",
			path: ["weekdays"],
			message: "Give weekday or weekdays, not both.",
		});
	}
};

export const CreatePatternBody = z
	.object({
		...ruleFields,
		generate_occurrences: z.boolean().optional(),
		months_ahead: z
			.number()
			.int()
			.min(1, `months_ahead is 1 to ${limits.maxMonthsAhead}.`)
			.max(limits.maxMonthsAhead, `months_ahead is 1 to ${limits.maxMonthsAhead}.`)
			.optional(),
	})
	.superRefine((body, ctx) => {
		oneWeekdayField(body, ctx);
		if (body.weekday === undefined && body.weekdays === undefined) {
			ctx.addIssue({ code: "custom", path: ["weekday"], message: "Required (or give weekdays)." });
		}
	})
	.openapi("CreatePattern", {
		example: {
			title: "Morning yoga",
			weekday: 1,
			time: "07:30",
			timezone: "Europe/Paris",
			duration_minutes: 60,
			start_date: "2026-01-06",
			calendar_id: 1,
		},
	});

export const UpdatePatternBody = z
	.object({
		title: ruleFields.title.optional(),
		description: ruleFields.description,
		weekday: ruleFields.weekday,
		weekdays: ruleFields.weekdays,
		interval: ruleFields.interval,
		count: ruleFields.count,
		time: wallTime.optional(),
		timezone: ruleFields.timezone,
		duration_minutes: ruleFields.duration_minutes,
		end_date: ruleFields.end_date,
		is_active: ruleFields.is_active,
		capacity: ruleFields.capacity,
		waitlist: ruleFields.waitlist,
	})
	.superRefine(oneWeekdayField)
	.openapi("UpdatePattern", { example: { time: "08:00", duration_minutes: 45 } });

export const patternExample = {
	id: 1,
	title: "Morning yoga",
	description: "",
	frequency: "weekly",
	weekday: 1,
	weekday_name: "Tuesday",
	weekdays: [1],
	interval: 1,
	count: null,
	time: "07:30:00",
	timezone: "Europe/Paris",
	duration_minutes: 60,
	start_date: "2026-01-06",
	end_date: null,
	is_active: true,
	calendar_id: 1,
	capacity: 20,
	waitlist: true,
	created_at: "2026-01-01T09:00:00.123Z",
	updated_at: "2026-01-01T09:00:00.123Z",
};

/** On a pattern write's response: booked future sessions it kept as they were. */
export const keptBookedSessions = z
	.array(z.number().int())
	.optional()
	.openapi({
		description:
			"Ids of booked sessions the write kept where they were (bookings never move): their day may no longer be in the rule.",
		example: [41, 48],
	});

export const PatternSchema = z
	.object({
		id: z.number().int(),
		title: z.string(),
		description: z.string(),
		frequency: z.literal("weekly"),
		weekday: z.number().int(),
		weekday_name: z.string(),
		weekdays: z.array(z.number().int()),
		interval: z.number().int(),
		count: z.number().int().nullable(),
		time: z.string(),
		timezone: z.string(),
		duration_minutes: z.number().int(),
		start_date: z.string(),
		end_date: z.string().nullable(),
		is_active: z.boolean(),
		calendar_id: z.number().int().openapi({ description: "The calendar it belongs to" }),
		capacity: z.number().int().nullable(),
		waitlist: z.boolean(),
		kept_booked_sessions: keptBookedSessions,
		created_at: z.string(),
		updated_at: z.string(),
	})
	.openapi("Pattern", { example: patternExample });

export const ListPatternsQuery = z.object({
	...pageQuery,
	is_active: z.enum(["true", "false"]).optional(),
	// Stated in full: the document would render z.coerce.number() as nullable (it takes null, as
	// 0), which a query string cannot send; the type replaces what is generated, bounds included.
	weekday: z.coerce
		.number()
		.int()
		.min(0)
		.max(6)
		.optional()
		.openapi({ type: "integer", minimum: 0, maximum: 6, example: 1 }),
	search: z.string().max(limits.titleLength).optional(),
	calendar_id: calendarIdQuery,
});

export const DeletePatternQuery = z.object({
	delete_future: z
		.enum(["true", "false", "True", "False", "1", "0"], "Must be true or false.")
		.optional()
		.openapi({ example: "true" }),
});

/** A validated create body as the service's fields, with the contract's defaults filled in. */
export function createdPatternFields(
	body: z.output<typeof CreatePatternBody>,
	calendar: { id: number; timezone: string } = { id: 1, timezone: "UTC" },
): PatternFields {
	return {
		title: body.title,
		description: body.description ?? "",
		weekdays: (body.weekdays ?? [body.weekday ?? 0]).toSorted((a, b) => a - b),
		interval: body.interval ?? 1,
		count: body.count ?? null,
		time: body.time,
		timezone: body.timezone ?? calendar.timezone,
		calendarId: calendar.id,
		durationMinutes: body.duration_minutes ?? 60,
		startDate: body.start_date,
		endDate: body.end_date ?? null,
		isActive: body.is_active ?? true,
		capacity: body.capacity ?? null,
		waitlist: body.waitlist ?? true,
	};
}
