import type { OccurrenceRow } from "../db/schema";

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
