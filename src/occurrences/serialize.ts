import { availableSeats } from "../bookings/seats";
import type { OccurrenceRow } from "../db/schema";
import { isoUtc, zonedIso } from "../recurrence";

export function occurrenceJson(row: OccurrenceRow) {
	return {
		id: row.id,
		title: row.title,
		description: row.description,
		recurrence_pattern: row.patternId,
		pattern_id: row.patternId,
		start_datetime: isoUtc(row.startAt),
		end_datetime: isoUtc(row.endAt),
		original_start_datetime: row.originalStartAt === null ? null : isoUtc(row.originalStartAt),
		duration_minutes: row.durationMinutes,
		status: row.status,
		is_exception: row.isException,
		is_one_time: row.patternId === null,
		is_recurring: row.patternId !== null,
		timezone: row.timezone,
		calendar_id: row.calendarId,
		start_local: zonedIso(row.startAt, row.timezone),
		// seatsJson's fields, written here: a spread of its object costs a copy per row.
		capacity: row.capacity,
		booked: row.booked,
		held: row.held,
		waitlisted: row.waitlisted,
		available: availableSeats(row),
		created_at: isoUtc(row.createdAt),
		updated_at: isoUtc(row.updatedAt),
	};
}
