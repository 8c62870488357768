// The statements of every booking write, for one D1 batch each (D1 runs a batch as one
// transaction, serialized with every other write). The conditional SQL inside them decides:
// nothing here reads counts in the Worker and writes them back. A change-feed row belongs at the
// end of each batch built from these.
import { eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { ALL_CALENDARS, type CalendarScope, calendarsTerm } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { occurrences } from "../db/schema";
import { bookingChanges } from "./changes";

const dialect = new SQLiteSyncDialect();

/**
 * A raw SQL statement as a batch item whose result is its rows. (drizzle's db.run/db.all cannot
 * go into a D1 batch with bound parameters: its batch binds a prepared statement they lack.)
 */
export function statement<Row = Record<string, unknown>>(db: Db, query: SQL): BatchItem<"sqlite"> {
	const built = dialect.sqlToQuery(query);
	const prepared = {
		stmt: db.$client.prepare(built.sql),
		getQuery: () => ({ ...built, method: "all" }),
		mapResult: (result: D1Result<Row>, fromBatch?: boolean) =>
			fromBatch ? result.results : result,
		isResponseInArrayMode: () => false,
	};
	return { _prepare: () => prepared } as unknown as BatchItem<"sqlite">;
}

/** One round trip for a list of statements built below; results in statement order. */
export function runBatch(db: Db, statements: BatchItem<"sqlite">[]): Promise<unknown[]> {
	return db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/**
 * Which sessions a settle works on: an SQL expression for `id IN (…)`, a single id or a subquery.
 * Keep it cheap: it is repeated in each statement of the settle.
 */
export type SessionScope = SQL;

export const oneSession = (id: number): SessionScope => sql`${id}`;
export const sessionOfBooking = (bookingId: number): SessionScope =>
	sql`SELECT occurrence_id FROM bookings WHERE id = ${bookingId}`;
export const sessionOfHold = (holdId: number): SessionScope =>
	sql`SELECT occurrence_id FROM holds WHERE id = ${holdId}`;

/**
 * Ends holds past their expires_at and recounts `held` from the live ones. Holds are judged by
 * their timestamp everywhere, so a hold stops counting at expires_at even before this runs.
 */
export function releaseExpiredHolds(db: Db, scope: SessionScope, now: number) {
	return [
		statement(
			db,
			sql`UPDATE holds SET ended_at = ${now}
			WHERE occurrence_id IN (${scope}) AND ended_at IS NULL AND expires_at <= ${now}`,
		),
		recountHeld(db, scope, now),
	];
}

/** `held` from the live holds of each session in scope (a handful of index rows each). */
export function recountHeld(db: Db, scope: SessionScope, now: number) {
	const live = sql`(SELECT coalesce(sum(h.seats), 0) FROM holds h
		WHERE h.occurrence_id = occurrences.id AND h.ended_at IS NULL AND h.expires_at > ${now})`;
	return statement(
		db,
		sql`UPDATE occurrences SET held = ${live}, version = version + 1
		WHERE id IN (${scope}) AND held != ${live}`,
	);
}

/**
 * FIFO promotion: walks each session's waitlist in line order (positions are 1..n without gaps)
 * and confirms every booking whose seats fit in what is left, as a recursive CTE in one UPDATE.
 * A promoted booking keeps its old position for the rest of the batch: that marks it for the
 * count update and the renumbering that follow.
 */
function promoteWaitlisted(db: Db, scope: SessionScope, now: number) {
	return statement(
		db,
		sql`UPDATE bookings SET status = 'confirmed', updated_at = ${now}, version = version + 1
		WHERE id IN (
			WITH RECURSIVE line(occ, pos, remaining, id, fits) AS (
				SELECT o.id, 0, coalesce(o.capacity - o.booked - o.held, 1000000000), NULL, 0
				FROM occurrences o WHERE o.id IN (${scope}) AND o.waitlisted > 0
				UNION ALL
				SELECT line.occ, b.waitlist_position,
					CASE WHEN b.seats <= line.remaining THEN line.remaining - b.seats ELSE line.remaining END,
					b.id, b.seats <= line.remaining
				FROM line JOIN bookings b
					ON b.occurrence_id = line.occ AND b.status = 'waitlisted'
					AND b.waitlist_position = line.pos + 1
				WHERE line.remaining > 0
			)
			SELECT id FROM line WHERE fits
		)`,
	);
}

/** Seats of bookings promoted earlier in this batch (confirmed, still carrying a position). */
const promotedSeats = sql`(SELECT coalesce(sum(b.seats), 0) FROM bookings b
	WHERE b.occurrence_id = occurrences.id AND b.status = 'confirmed'
	AND b.waitlist_position IS NOT NULL)`;

/** Bookings that left the line earlier in this batch, ahead of the row being renumbered. */
const leftAhead = sql`(SELECT count(*) FROM bookings l
	WHERE l.occurrence_id = bookings.occurrence_id AND l.status IN ('cancelled', 'confirmed')
	AND l.waitlist_position IS NOT NULL AND l.waitlist_position < bookings.waitlist_position)`;

/**
 * After seats were freed or the line changed: promote who fits, move their seats from
 * waitlisted to booked, close the gaps in the line, and clear the positions of those who left it.
 */
export function settleWaitlist(db: Db, scope: SessionScope, now: number) {
	return [
		promoteWaitlisted(db, scope, now),
		statement(
			db,
			sql`UPDATE occurrences
			SET booked = booked + ${promotedSeats}, waitlisted = waitlisted - ${promotedSeats},
				version = version + 1
			WHERE id IN (${scope}) AND ${promotedSeats} > 0`,
		),
		// Only the line behind the first who left moves: that bound is one uncorrelated seek, and
		// NULL (nobody left, e.g. a plain booking) makes the update read no row of the line.
		statement(
			db,
			sql`UPDATE bookings SET waitlist_position = waitlist_position - ${leftAhead}
			WHERE occurrence_id IN (${scope}) AND status = 'waitlisted'
			AND waitlist_position > (SELECT min(l.waitlist_position) FROM bookings l
				WHERE l.occurrence_id IN (${scope}) AND l.status IN ('cancelled', 'confirmed')
				AND l.waitlist_position IS NOT NULL)
			AND ${leftAhead} > 0`,
		),
		statement(
			db,
			sql`UPDATE bookings SET waitlist_position = NULL
			WHERE occurrence_id IN (${scope}) AND status IN ('cancelled', 'confirmed')
			AND waitlist_position IS NOT NULL`,
		),
	];
}

/** Expired holds out, then the waitlist settled: what every write to a session's seats starts with. */
export const settle = (db: Db, scope: SessionScope, now: number) => [
	...releaseExpiredHolds(db, scope, now),
	...settleWaitlist(db, scope, now),
];

export interface NewBooking {
	occurrenceId: number;
	name: string;
	email: string;
	emailKey: string;
	seats: number;
	tokenHash: string;
	holdId?: number;
}

/** The booking a batch just inserted: its live (occurrence, address) row carrying our token. */
export const insertedBooking = (booking: NewBooking) =>
	sql`(SELECT b.id, b.seats, b.status FROM bookings b
		WHERE b.occurrence_id = ${booking.occurrenceId} AND b.email_key = ${booking.emailKey}
		AND b.status != 'cancelled' AND b.manage_token_hash = ${booking.tokenHash})`;

/**
 * The booking itself: confirmed when its seats fit (booked + held + seats ≤ capacity, read inside
 * the statement), else waitlisted at the end of the line if the session keeps a waitlist, else
 * nothing is inserted. Only a bookable session (scheduled, not started) takes it; a second live
 * booking of the same address is ignored by the partial unique index. With a hold, the hold must
 * be live, on this session and large enough; its seats are the ones taken, so it always fits.
 */
export function bookingStatements(
	db: Db,
	booking: NewBooking,
	now: number,
	scope: CalendarScope = ALL_CALENDARS,
) {
	const { seats, holdId } = booking;
	const fits =
		holdId === undefined
			? sql`(o.capacity IS NULL OR o.booked + o.held + ${seats} <= o.capacity)`
			: sql`1`;
	const holdIsLive =
		holdId === undefined
			? sql`1`
			: sql`EXISTS (SELECT 1 FROM holds h WHERE h.id = ${holdId} AND h.occurrence_id = o.id
				AND h.ended_at IS NULL AND h.expires_at > ${now} AND h.seats >= ${seats})`;
	const keepsWaitlist = sql`(o.pattern_id IS NULL OR EXISTS (
		SELECT 1 FROM patterns p WHERE p.id = o.pattern_id AND p.waitlist = 1))`;
	const inserted = insertedBooking(booking);
	const statements = [
		statement(
			db,
			sql`INSERT OR IGNORE INTO bookings (calendar_id, occurrence_id, name, email, email_key,
				seats, status, waitlist_position, manage_token_hash, version, created_at, updated_at)
			SELECT o.calendar_id, o.id, ${booking.name}, ${booking.email}, ${booking.emailKey}, ${seats},
				CASE WHEN ${fits} THEN 'confirmed' ELSE 'waitlisted' END,
				CASE WHEN ${fits} THEN NULL ELSE (SELECT coalesce(max(w.waitlist_position), 0) + 1
					FROM bookings w WHERE w.occurrence_id = o.id AND w.status = 'waitlisted') END,
				${booking.tokenHash}, 1, ${now}, ${now}
			FROM occurrences o
			WHERE o.id = ${booking.occurrenceId} AND o.status = 'scheduled' AND o.start_at > ${now}
				AND ${calendarsTerm("o.calendar_id", scope)}
				AND ${holdIsLive} AND (${fits} OR ${keepsWaitlist})`,
		),
		statement(
			db,
			sql`UPDATE occurrences
			SET booked = booked + coalesce((SELECT seats FROM ${inserted} WHERE status = 'confirmed'), 0),
				waitlisted = waitlisted + coalesce((SELECT seats FROM ${inserted} WHERE status = 'waitlisted'), 0),
				version = version + 1
			WHERE id = ${booking.occurrenceId} AND EXISTS (SELECT 1 FROM ${inserted})`,
		),
	];
	if (holdId !== undefined) {
		statements.push(
			statement(
				db,
				sql`UPDATE holds SET ended_at = ${now}, booking_id = (SELECT id FROM ${inserted})
				WHERE id = ${holdId} AND ended_at IS NULL AND EXISTS (SELECT 1 FROM ${inserted})`,
			),
			// The hold's seats beyond the booking's are free again: they may let someone in.
			recountHeld(db, oneSession(booking.occurrenceId), now),
			...settleWaitlist(db, oneSession(booking.occurrenceId), now),
		);
	}
	return statements;
}

/**
 * Cancels one live booking (`target` narrows it: id, and a token hash or a version), frees its
 * seats or its place in line, and settles the waitlist. The counts move first, while the row
 * still says what it was; the cancelled row keeps its position until the renumbering.
 */
export function cancelStatements(
	db: Db,
	bookingId: number,
	target: SQL,
	reason: string,
	now: number,
) {
	const live = sql`id = ${bookingId} AND status != 'cancelled' AND ${target}`;
	const seatsIf = (status: string) =>
		sql`coalesce((SELECT seats FROM bookings WHERE ${live} AND status = ${status}), 0)`;
	const scope = sessionOfBooking(bookingId);
	return [
		statement(
			db,
			sql`UPDATE occurrences
			SET booked = booked - ${seatsIf("confirmed")}, waitlisted = waitlisted - ${seatsIf("waitlisted")},
				version = version + 1
			WHERE id = (SELECT occurrence_id FROM bookings WHERE ${live})`,
		),
		statement(
			db,
			sql`UPDATE bookings SET status = 'cancelled', cancel_reason = ${reason},
				cancelled_at = ${now}, updated_at = ${now}, version = version + 1
			WHERE ${live}`,
		),
		...settle(db, scope, now),
	];
}

/**
 * A hold takes seats only when they are free now (a hold never waitlists), on a bookable session.
 * `held` is recounted from the holds table in the same batch.
 */
export function holdStatements(
	db: Db,
	hold: { occurrenceId: number; seats: number; expiresAt: number },
	now: number,
	scope: CalendarScope = ALL_CALENDARS,
) {
	return [
		statement<{ id: number; occurrence_id: number; seats: number; expires_at: number }>(
			db,
			sql`INSERT INTO holds (calendar_id, occurrence_id, seats, expires_at, created_at)
			SELECT o.calendar_id, o.id, ${hold.seats}, ${hold.expiresAt}, ${now}
			FROM occurrences o
			WHERE o.id = ${hold.occurrenceId} AND o.status = 'scheduled' AND o.start_at > ${now}
				AND ${calendarsTerm("o.calendar_id", scope)}
				AND (o.capacity IS NULL OR o.booked + o.held + ${hold.seats} <= o.capacity)
			RETURNING id, occurrence_id, seats, expires_at`,
		),
		recountHeld(db, oneSession(hold.occurrenceId), now),
	];
}

/** Releases a live hold; its seats go back (and to the waitlist) in the same batch. */
export function releaseHoldStatements(
	db: Db,
	holdId: number,
	now: number,
	scope: CalendarScope = ALL_CALENDARS,
) {
	return [
		statement<{ id: number }>(
			db,
			sql`UPDATE holds SET ended_at = ${now}
			WHERE id = ${holdId} AND ended_at IS NULL AND expires_at > ${now}
				AND ${calendarsTerm("calendar_id", scope)} RETURNING id`,
		),
		...settle(db, sessionOfHold(holdId), now),
	];
}

/**
 * A cancelled session's live bookings and holds end with it (cancel_reason session_cancelled).
 * For the session-cancel batch, after the status change: each statement checks the session is
 * cancelled, so a refused cancel changes nothing here.
 */
export function sessionCancelledStatements(db: Db, occurrenceId: number, now: number) {
	const cancelled = sql`EXISTS (SELECT 1 FROM occurrences
		WHERE id = ${occurrenceId} AND status = 'cancelled')`;
	return [
		statement(
			db,
			sql`UPDATE bookings SET status = 'cancelled', cancel_reason = 'session_cancelled',
				waitlist_position = NULL, cancelled_at = ${now}, updated_at = ${now}, version = version + 1
			WHERE occurrence_id = ${occurrenceId} AND status != 'cancelled' AND ${cancelled}`,
		),
		statement(
			db,
			sql`UPDATE holds SET ended_at = ${now}
			WHERE occurrence_id = ${occurrenceId} AND ended_at IS NULL AND ${cancelled}`,
		),
	];
}

/**
 * After a session's capacity changed (in the batch's earlier statement): a raise lets the waitlist
 * in; the last statement reads the session back with its final counts.
 */
export function capacityChangedStatements(db: Db, occurrenceId: number, now: number) {
	return [
		...settle(db, oneSession(occurrenceId), now),
		db.select().from(occurrences).where(eq(occurrences.id, occurrenceId)),
	];
}

/**
 * A pattern's capacity reaches its future scheduled sessions that have none of their own, and
 * their waitlists settle, in the pattern write's batch.
 */
export function patternCapacityStatements(
	db: Db,
	patternId: number,
	capacity: number | null,
	now: number,
) {
	const future = sql`pattern_id = ${patternId} AND start_at >= ${now} AND status = 'scheduled'`;
	return [
		statement(
			db,
			sql`UPDATE occurrences SET capacity = ${capacity}, version = version + 1, updated_at = ${now}
			WHERE ${future} AND own_capacity = 0 AND capacity IS NOT ${capacity}`,
		),
		...settle(db, sql`SELECT id FROM occurrences WHERE ${future} AND waitlisted > 0`, now),
		...bookingChanges(db, sql`SELECT id FROM occurrences WHERE ${future}`, now),
	];
}

/** `row` (a table name or alias) has never had a booking or a hold. */
export const hasNoBookingsOf = (row: string) =>
	sql.raw(`NOT EXISTS (SELECT 1 FROM bookings b WHERE b.occurrence_id = ${row}.id)
	AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.occurrence_id = ${row}.id)`);

/** Sessions a pattern write may delete or regenerate: none that ever had a booking or a hold. */
export const hasNoBookings = hasNoBookingsOf("occurrences");
