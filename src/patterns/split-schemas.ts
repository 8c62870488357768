import { z } from "@hono/zod-openapi";
import { occurrenceStatuses } from "../db/schema";
import { calendarDate } from "../lib/fields";
import { PatternSchema, patternExample, UpdatePatternBody } from "./schemas";
import { SESSIONS_LISTED } from "./split";

export const SplitPatternBody = z
	.object({
		from: calendarDate.openapi({
			description:
				"First day of the new series, in the old series' time zone. The old series ends the day before.",
			example: "2026-03-03",
		}),
		changes: UpdatePatternBody.optional().openapi({
			description:
				"The new series' differences from the old one, as in PATCH. Without end_date or count the new series inherits the old end_date, or the old count's remainder.",
		}),
		dry_run: z.boolean().optional().openapi({
			description: "Answer what would happen (200) without writing anything.",
		}),
	})
	.openapi("SplitPattern", {
		example: { from: "2026-03-03", changes: { time: "18:00", title: "Evening yoga" } },
	});

const SessionSummary = z
	.object({
		id: z
			.number()
			.int()
			.nullable()
			.openapi({ description: "Null for a session a dry run would create" }),
		start_datetime: z.string(),
		original_start_datetime: z.string().nullable(),
		status: z.enum(occurrenceStatuses),
		is_exception: z.boolean(),
	})
	.openapi("SessionSummary");

export const SplitResult = z
	.object({
		dry_run: z.boolean(),
		old_pattern: PatternSchema,
		// A new object, not PatternSchema.extend(): the document would render an extension as
		// allOf [Pattern, {id}], which cannot widen Pattern's integer id to admit the dry run's null.
		new_pattern: z.object({
			...PatternSchema.shape,
			id: z.number().int().nullable().openapi({ description: "Null in a dry run" }),
		}),
		created: z.number().int().openapi({ description: "Sessions materialized for the new series" }),
		moved: z.number().int().openapi({
			description:
				"Unedited scheduled sessions removed from the old series (the new series has its own)",
		}),
		kept: z.number().int().openapi({
			description:
				"Sessions from `from` on that stay on the old series: edited, cancelled, completed, or already past",
		}),
		sessions: z
			.object({
				created: z.array(SessionSummary).max(SESSIONS_LISTED),
				moved: z.array(SessionSummary).max(SESSIONS_LISTED),
				kept: z.array(SessionSummary).max(SESSIONS_LISTED),
			})
			.openapi({
				description: `The sessions counted by created, moved and kept: the first ${SESSIONS_LISTED} of each, in start order (the whole list when it is shorter), so that a split over years of history answers a small body.`,
			}),
		sessions_truncated: z.boolean().openapi({
			description: `True when a list in sessions holds only its first ${SESSIONS_LISTED} sessions; its count is created, moved or kept. Read the rest with GET /api/patterns/{id}/occurrences.`,
		}),
	})
	.openapi("SplitResult", {
		example: {
			dry_run: false,
			old_pattern: { ...patternExample, end_date: "2026-03-02" },
			new_pattern: { ...patternExample, id: 9, time: "18:00:00", start_date: "2026-03-03" },
			created: 1,
			moved: 1,
			kept: 1,
			sessions: {
				created: [
					{
						id: 311,
						start_datetime: "2026-03-03T17:00:00Z",
						original_start_datetime: "2026-03-03T17:00:00Z",
						status: "scheduled",
						is_exception: false,
					},
				],
				moved: [
					{
						id: 40,
						start_datetime: "2026-03-03T06:30:00Z",
						original_start_datetime: "2026-03-03T06:30:00Z",
						status: "scheduled",
						is_exception: false,
					},
				],
				kept: [
					{
						id: 42,
						start_datetime: "2026-03-10T06:30:00Z",
						original_start_datetime: "2026-03-10T06:30:00Z",
						status: "cancelled",
						is_exception: true,
					},
				],
			},
			sessions_truncated: false,
		},
	});
