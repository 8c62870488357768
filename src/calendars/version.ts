// A calendar's version: one number that moves with every write to what its feeds show, so a feed
// revalidation (If-None-Match) reads one row instead of every session. The statement below rides
// in the batch of each such write, so the version moves exactly when the data does (D1 runs a
// batch as one transaction); a change feed's rows belong at the same spot.
import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { calendars, occurrences, patterns } from "../db/schema";

/** The default calendar (migration 0004): every row of the old service, every unnamed create. */
export const DEFAULT_CALENDAR_ID = 1;

/**
 * Marks the calendar's feeds changed, as one statement for the write's own batch. With
 * `ifChanged` it bumps only when the batch's previous statement changed a row (SQLite's
 * changes()): for a guarded write whose WHERE may match nothing, a miss is no change.
 */
export function bumpCalendarVersion(
	db: Db,
	now: number,
	options: { ifChanged?: boolean; calendarId?: number | SQL } = {},
) {
	return db
		.update(calendars)
		.set({ version: sql`${calendars.version} + 1`, updatedAt: now })
		.where(
			and(
				eq(calendars.id, options.calendarId ?? DEFAULT_CALENDAR_ID),
				options.ifChanged ? sql`changes() > 0` : undefined,
			),
		);
}

/** The calendar of a session, as SQL for bumpCalendarVersion (a primary-key lookup). */
export const calendarOfOccurrence = (id: number) =>
	sql`(SELECT ${occurrences.calendarId} FROM ${occurrences} WHERE ${occurrences.id} = ${id})`;

/**
 * Marks the calendars of these patterns changed (a materialization page spans calendars), one
 * statement for the write's batch, bumping only when the previous statement changed a row.
 */
export function bumpCalendarsOfPatterns(db: Db, now: number, patternIds: number[]) {
	return db
		.update(calendars)
		.set({ version: sql`${calendars.version} + 1`, updatedAt: now })
		.where(
			and(
				sql`${calendars.id} IN (SELECT ${patterns.calendarId} FROM ${patterns} WHERE ${patterns.id} IN (SELECT value FROM json_each(${JSON.stringify(patternIds)})))`,
				sql`changes() > 0`,
			),
		);
}

/**
 * The calendar's version, and with `patternId` that of the live pattern's calendar: one
 * primary-key row (two with the pattern, joined), for answering a feed's If-None-Match without
 * reading its sessions. No row: unknown, deleted, or outside the scope.
 */
export function calendarVersion(
	db: Db,
	options: { patternId?: number; calendarId?: number; scope?: CalendarScope } = {},
) {
	const scoped = options.scope && visibleCalendars(calendars.id, options.scope);
	const columns = { id: calendars.id, name: calendars.name, version: calendars.version };
	if (options.patternId !== undefined) {
		return db
			.select(columns)
			.from(patterns)
			.innerJoin(calendars, eq(calendars.id, patterns.calendarId))
			.where(and(eq(patterns.id, options.patternId), isNull(patterns.deletedAt), scoped));
	}
	return db
		.select(columns)
		.from(calendars)
		.where(and(eq(calendars.id, options.calendarId ?? DEFAULT_CALENDAR_ID), scoped));
}
