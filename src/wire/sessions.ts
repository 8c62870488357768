// How a session looks on the wire: the JSON of every route, range page, change row and export.
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

/**
 * A session's seats, from the counts kept on its row (changed in the same batch as every booking
 * write): no COUNT(*) and no extra query for any response that shows a session.
 */
export function seatsJson(row: Pick<OccurrenceRow, "capacity" | "booked" | "held" | "waitlisted">) {
	return {
		capacity: row.capacity,
		booked: row.booked,
		held: row.held,
		waitlisted: row.waitlisted,
		available: availableSeats(row),
	};
}

/** Seats still open: capacity less booked and held seats (null = unlimited). */
export const availableSeats = (row: Pick<OccurrenceRow, "capacity" | "booked" | "held">) =>
	row.capacity === null ? null : Math.max(0, row.capacity - row.booked - row.held);
