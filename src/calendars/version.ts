// A calendar's version: one number that moves with every write to what its feeds show, so a feed
// revalidation (If-None-Match) reads one row instead of every session. The statement below rides
// in the batch of each such write, so the version moves exactly when the data does (D1 runs a
// batch as one transaction); a change feed's rows belong at the same spot.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { calendars, patterns } from "../db/schema";

/** Every row belongs to the default calendar until calendars can be named (migration 0002). */
export const DEFAULT_CALENDAR_ID = 1;

/**
 * Marks the calendar's feeds changed, as one statement for the write's own batch. With
 * `ifChanged` it bumps only when the batch's previous statement changed a row (SQLite's
 * changes()): for a guarded write whose WHERE may match nothing, a miss is no change.
 */
export function bumpCalendarVersion(
	db: Db,
	now: number,
	options: { ifChanged?: boolean; calendarId?: number } = {},
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

/**
 * The calendar's version, and with `patternId` whether that pattern is live: one primary-key row
 * (two with the pattern), for answering a feed's If-None-Match without reading its sessions.
 */
export function calendarVersion(db: Db, options: { patternId?: number; calendarId?: number } = {}) {
	const live =
		options.patternId === undefined
			? sql<number>`1`
			: sql<number>`EXISTS (SELECT 1 FROM ${patterns} WHERE ${patterns.id} = ${options.patternId} AND ${patterns.deletedAt} IS NULL)`;
	// Named: rows come back as objects, and a column named "1" would sort before "version".
	return db
		.select({ version: calendars.version, live: live.as("live") })
		.from(calendars)
		.where(eq(calendars.id, options.calendarId ?? DEFAULT_CALENDAR_ID));
}
