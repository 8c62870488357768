// How bookings and holds look on the wire: the JSON every route, the change feed and the console show.
import type { BookingRow } from "../db/schema";
import { isoUtc } from "../recurrence";

export function bookingJson(row: BookingRow) {
	return {
		id: row.id,
		occurrence_id: row.occurrenceId,
		name: row.name,
		email: row.email,
		seats: row.seats,
		status: row.status,
		waitlist_position: row.waitlistPosition,
		attendance: row.attendance,
		cancel_reason: row.cancelReason,
		created_at: isoUtc(row.createdAt),
		updated_at: isoUtc(row.updatedAt),
		cancelled_at: row.cancelledAt === null ? null : isoUtc(row.cancelledAt),
	};
}

/** A hold as its batch's RETURNING gives it (snake_case columns, expires_at in ms). */
export interface HoldJson {
	id: number;
	occurrence_id: number;
	seats: number;
	expires_at: number;
}

export const holdJson = (hold: HoldJson) => ({
	id: hold.id,
	occurrence_id: hold.occurrence_id,
	seats: hold.seats,
	expires_at: isoUtc(hold.expires_at),
});
