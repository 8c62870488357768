// The change rows of a booking write, appended to its batch (src/changes/record.ts): each booking
// the batch created or changed, and the session whose counts moved. "Touched by this batch" is read
// from the rows themselves (created_at / updated_at / ended_at = the batch's now), so a refused
// write, which touches nothing, reports nothing, and a write that did not commit leaves no row.
import { type SQL, sql } from "drizzle-orm";
import { changeRows } from "../changes/record";
import type { Db } from "../db/client";

/** The booking events: a new booking is confirmed or waitlisted; a changed one cancelled, promoted or updated. */
const createdEvent = sql.raw(
	"CASE t.status WHEN 'confirmed' THEN 'booking.confirmed' ELSE 'booking.waitlisted' END",
);
const updatedEvent = sql.raw(
	"CASE t.status WHEN 'cancelled' THEN 'booking.cancelled' WHEN 'confirmed' THEN 'booking.promoted' ELSE 'booking.updated' END",
);

/** A session this batch has not reported yet (a pattern edit may have, for its copied fields). */
const notYetReported = (now: number) => sql`NOT EXISTS (SELECT 1 FROM changes c
	WHERE c.type = 'occurrence' AND c.resource_id = t.id AND c.at = ${now})`;

/** A pattern's future sessions this batch changed in place (copied fields, capacity), once each. */
export function sessionsUpdated(db: Db, patternId: number, now: number) {
	return changeRows(db, {
		type: "occurrence",
		op: "updated",
		event: "occurrence.updated",
		rows: {
			where: sql`t.pattern_id = ${patternId} AND t.start_at >= ${now} AND t.updated_at = ${now}
				AND ${notYetReported(now)}`,
		},
		now,
	});
}

/**
 * After a booking write on some sessions (`session`: an SQL list of their ids): the bookings it
 * created, those it changed, and the session itself when anything of its seats moved.
 */
export function bookingChanges(db: Db, session: SQL, now: number) {
	const touched = sql`(
		EXISTS (SELECT 1 FROM bookings b WHERE b.occurrence_id = t.id AND b.updated_at = ${now})
		OR EXISTS (SELECT 1 FROM holds h WHERE h.occurrence_id = t.id
			AND (h.created_at = ${now} OR h.ended_at = ${now})))`;
	return [
		...changeRows(db, {
			type: "booking",
			op: "created",
			event: createdEvent,
			rows: {
				where: sql`t.occurrence_id IN (${session}) AND t.updated_at = ${now} AND t.created_at = ${now}`,
			},
			now,
		}),
		...changeRows(db, {
			type: "booking",
			op: "updated",
			event: updatedEvent,
			rows: {
				where: sql`t.occurrence_id IN (${session}) AND t.updated_at = ${now} AND t.created_at < ${now}`,
			},
			now,
		}),
		...changeRows(db, {
			type: "occurrence",
			op: "updated",
			event: "occurrence.updated",
			rows: { where: sql`t.id IN (${session}) AND ${touched} AND ${notYetReported(now)}` },
			now,
		}),
	];
}
