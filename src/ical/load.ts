import { and, asc, eq, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import { calendarVersion } from "../calendars/version";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, type PatternRow, patterns } from "../db/schema";
import { notFound } from "../http/problem";

export interface FeedData {
	patterns: PatternRow[];
	sessions: OccurrenceRow[];
	/** The calendar's version the rows were read at (same transaction); undefined without one. */
	version: number | undefined;
}

const byStart = [asc(occurrences.startAt), asc(occurrences.id)];

/**
 * Everything the whole-calendar feed shows, in one round trip: live patterns, deleted ones that
 * still have sessions to show, their sessions (cancelled ones too: they become EXDATEs) and the
 * one-time sessions that are not cancelled; and the calendar's version they are at.
 */
export async function loadCalendar(db: Db): Promise<FeedData> {
	const [calendar, patternRows, sessions] = await db.batch([
		calendarVersion(db),
		db
			.select()
			.from(patterns)
			.where(
				or(
					isNull(patterns.deletedAt),
					sql`EXISTS (SELECT 1 FROM ${occurrences} WHERE ${occurrences.patternId} = ${patterns.id} AND ${occurrences.status} <> 'cancelled')`,
				),
			)
			.orderBy(asc(patterns.id)),
		db
			.select()
			.from(occurrences)
			.where(or(isNotNull(occurrences.patternId), ne(occurrences.status, "cancelled")))
			.orderBy(...byStart),
	]);
	return { patterns: patternRows, sessions, version: calendar[0]?.version };
}

/** One live pattern and all its sessions, in one round trip; 404 for an unknown or deleted one. */
export async function loadSeries(db: Db, id: number): Promise<FeedData> {
	const [calendar, patternRows, sessions] = await db.batch([
		calendarVersion(db),
		db
			.select()
			.from(patterns)
			.where(and(eq(patterns.id, id), isNull(patterns.deletedAt))),
		db
			.select()
			.from(occurrences)
			.where(eq(occurrences.patternId, id))
			.orderBy(...byStart),
	]);
	if (patternRows.length === 0) throw notFound("Pattern", id);
	return { patterns: patternRows, sessions, version: calendar[0]?.version };
}
