import type { z } from "@hono/zod-openapi";
import type { UpdatePatternBody } from "./schemas";
import type { PatternChanges } from "./service";

/** A validated PATCH-style body as domain changes: only the fields the client sent. */
export function patternChanges(body: z.output<typeof UpdatePatternBody>): PatternChanges {
	const changes: PatternChanges = {
		title: body.title,
		description: body.description,
		weekdays:
			body.weekdays?.toSorted((a, b) => a - b) ??
			(body.weekday === undefined ? undefined : [body.weekday]),
		interval: body.interval,
		count: body.count,
		time: body.time,
		timezone: body.timezone,
		durationMinutes: body.duration_minutes,
		endDate: body.end_date,
		isActive: body.is_active,
		capacity: body.capacity,
		waitlist: body.waitlist,
	};
	for (const key of Object.keys(changes) as (keyof PatternChanges)[]) {
		if (changes[key] === undefined) delete changes[key];
	}
	return changes;
}
