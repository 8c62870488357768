import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, type PatternRow } from "../db/schema";
import { localDateOf, type Slot, type WeeklyRule } from "../recurrence";

export type RuleFields = Pick<
	PatternRow,
	"weekdays" | "interval" | "time" | "timezone" | "startDate" | "endDate" | "count"
>;

export function ruleOf(pattern: RuleFields): WeeklyRule {
	return {
		weekdays: pattern.weekdays,
		interval: pattern.interval,
		time: pattern.time,
		timezone: pattern.timezone,
		startDate: pattern.startDate,
		endDate: pattern.endDate,
		count: pattern.count,
	};
}

/**
 * One slot to materialize: [pattern id, pattern version, start instant]. A null pattern id means
 * "the pattern inserted earlier in this same batch" (its id is not known before the batch runs).
 */
export type SlotTuple = [patternId: number | null, version: number, start: number];

/**
 * Inserts slots as occurrence rows in one statement with a single bound parameter (a JSON array
 * read through json_each), so a batch is never limited by D1's 100-parameter cap.
 *
 * Title, description, duration and zone are read from the pattern row at write time, and a slot
 * is only written while its pattern still has the version the slots were computed from: a pattern
 * edited or deleted after the computation gets none of the stale slots. ON CONFLICT DO NOTHING on
 * (pattern_id, original_start_at) makes generation idempotent, whatever runs concurrently.
 */
export function insertSlots(db: Db, slots: SlotTuple[], now: number) {
	const start = sql`s.value ->> 2`;
	// Every column by name: a column added to the table is a type error here until it gets a value.
	const values: Record<keyof OccurrenceRow, SQL> = {
		id: sql`NULL`,
		patternId: sql`p.id`,
		title: sql`p.title`,
		description: sql`p.description`,
		startAt: start,
		endAt: sql`(${start}) + p.duration_minutes * 60000`,
		originalStartAt: start,
		durationMinutes: sql`p.duration_minutes`,
		status: sql`'scheduled'`,
		isException: sql`0`,
		timezone: sql`p.timezone`,
		version: sql`1`,
		createdAt: sql`${now}`,
		updatedAt: sql`${now}`,
		calendarId: sql`p.calendar_id`,
		capacity: sql`p.capacity`,
		ownCapacity: sql`0`,
		booked: sql`0`,
		held: sql`0`,
		waitlisted: sql`0`,
	};
	// drizzle lists the table's columns in their declared order; the SELECT follows that order.
	const selectList = sql.join(
		Object.keys(getTableColumns(occurrences)).map(
			(column) => values[column as keyof OccurrenceRow],
		),
		sql`, `,
	);
	return db
		.insert(occurrences)
		.select(sql`
			SELECT ${selectList}
			FROM json_each(${JSON.stringify(slots)}) AS s
			JOIN patterns AS p
				ON p.id = coalesce(s.value ->> 0, (SELECT max(id) FROM patterns))
				AND p.version = s.value ->> 1
				AND p.deleted_at IS NULL
			WHERE true`)
		.onConflictDoNothing();
}

/**
 * Slots per INSERT statement. A slot is about 25 bytes of JSON, so each statement's one parameter
 * stays near 100 KB: far below D1's 2 MB limit on a bound value, and the SQL text is constant.
 */
export const SLOTS_PER_STATEMENT = 4_000;

/** insertSlots for any number of slots: one statement per SLOTS_PER_STATEMENT, for one batch. */
export function insertSlotsInChunks(db: Db, slots: SlotTuple[], now: number) {
	const statements = [];
	for (let from = 0; from < slots.length; from += SLOTS_PER_STATEMENT) {
		statements.push(insertSlots(db, slots.slice(from, from + SLOTS_PER_STATEMENT), now));
	}
	return statements;
}

/** Future sessions that still follow their pattern: scheduled and never edited by hand. */
export const followsPattern = (patternId: number, now: number) => sql`
	pattern_id = ${patternId} AND start_at >= ${now} AND status = 'scheduled' AND is_exception = 0`;

/** A session a person has handled: cancelled, completed, edited by hand, or booked (bookings never move). */
export const handledByHand = sql`(${occurrences.status} != 'scheduled' OR ${occurrences.isException} = 1
	OR EXISTS (SELECT 1 FROM bookings b WHERE b.occurrence_id = ${occurrences.id})
	OR EXISTS (SELECT 1 FROM holds h WHERE h.occurrence_id = ${occurrences.id}))`;

/**
 * When a series moves to a new rule (a new time, zone or days), a day whose session somebody
 * already cancelled, completed or rescheduled keeps that session and gets no second one: a class
 * cancelled for next Tuesday stays cancelled when the class moves from 14:00 to 15:00.
 * Days are compared as local dates: the handled session's in its own zone, the slot's in the new.
 */
export function skipHandledDays(
	slots: Slot[],
	handled: readonly { originalStartAt: number | null; timezone: string }[],
	timezone: string,
): Slot[] {
	const days = new Set(
		handled.flatMap((row) =>
			row.originalStartAt === null ? [] : [localDateOf(row.originalStartAt, row.timezone)],
		),
	);
	if (days.size === 0) return slots;
	return slots.filter((slot) => !days.has(localDateOf(slot.start, timezone)));
}
