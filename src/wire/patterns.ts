// How a pattern looks on the wire: the JSON of its routes, the change feed and the console.
import type { PatternRow } from "../db/schema";
import { isoUtc, WEEKDAY_NAMES } from "../recurrence";

export function patternJson(pattern: PatternRow) {
	const weekday = pattern.weekdays[0] ?? 0;
	return {
		id: pattern.id,
		title: pattern.title,
		description: pattern.description,
		frequency: pattern.frequency,
		weekday,
		weekday_name: WEEKDAY_NAMES[weekday] ?? "",
		weekdays: pattern.weekdays,
		interval: pattern.interval,
		count: pattern.count,
		time: pattern.time,
		timezone: pattern.timezone,
		duration_minutes: pattern.durationMinutes,
		start_date: pattern.startDate,
		end_date: pattern.endDate,
		is_active: pattern.isActive,
		calendar_id: pattern.calendarId,
		capacity: pattern.capacity,
		waitlist: pattern.waitlist,
		created_at: isoUtc(pattern.createdAt),
		updated_at: isoUtc(pattern.updatedAt),
	};
}
