import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { bumpCalendarVersion, calendarOfOccurrence } from "../calendars/version";
import { changeRows, occurrenceEvent } from "../changes/record";
import { type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, patterns } from "../db/schema";
import { staleVersion } from "../http/etag";
import { ApiError, notFound } from "../http/problem";
import { minutesToMs } from "../recurrence";
import { capacityChangedStatements, sessionCancelledStatements } from "../seats/batches";
import { overlapQuery, type RangeFilter } from "./overlap";

export type { RangeFilter };

export interface OneTimeFields {
	title: string;
	description: string;
	startAt: number;
	durationMinutes: number;
	/** A zone name, or SQL that reads the calendar's default zone inside the insert. */
	timezone: string | SQL;
	calendarId: number;
}

export async function createOneTime(db: Db, fields: OneTimeFields, now: number) {
	const [[row]] = await db.batch([
		db
			.insert(occurrences)
			.values({
				...fields,
				endAt: fields.startAt + minutesToMs(fields.durationMinutes),
				createdAt: now,
				updatedAt: now,
			})
			.returning(),
		...changeRows(db, {
			type: "occurrence",
			op: "created",
			event: "occurrence.created",
			rows: { inserted: true },
			now,
		}),
		bumpCalendarVersion(db, now, { calendarId: fields.calendarId }),
	]);
	if (!row) throw new Error("occurrence insert returned no row");
	return row;
}

/** A session of the caller's calendars as SQL: the term every single-session statement carries. */
export const visibleOccurrence = (id: number, scope: CalendarScope) =>
	and(eq(occurrences.id, id), visibleCalendars(occurrences.calendarId, scope));

/** One session the scope sees; 404 otherwise, as if it did not exist. */
export async function findOccurrence(
	db: Db,
	id: number,
	scope: CalendarScope,
): Promise<OccurrenceRow> {
	const row = await db.query.occurrences.findFirst({ where: visibleOccurrence(id, scope) });
	if (!row) throw notFound("Occurrence", id);
	return row;
}

export type D1OccurrenceRow = Record<string, unknown>;

/** D1's snake_case row as the schema's row, by hand: drizzle's own path copies it twice. */
export const occurrenceRowOf = (row: D1OccurrenceRow) =>
	({
		id: row.id,
		patternId: row.pattern_id,
		title: row.title,
		description: row.description,
		startAt: row.start_at,
		endAt: row.end_at,
		originalStartAt: row.original_start_at,
		durationMinutes: row.duration_minutes,
		status: row.status,
		isException: row.is_exception === 1,
		timezone: row.timezone,
		version: row.version,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		calendarId: row.calendar_id,
		capacity: row.capacity,
		ownCapacity: row.own_capacity === 1,
		booked: row.booked,
		held: row.held,
		waitlisted: row.waitlisted,
		// Every column of the schema's row, or this fails to compile: a new column cannot be missed.
	}) satisfies Record<keyof OccurrenceRow, unknown> as OccurrenceRow;

/**
 * Sessions whose [start, end) overlaps [filter.start, filter.end), in (start, id) order. The
 * query's own SQL, run with all(): drizzle's select() would ask the (metered) session for raw()
 * arrays, which it rebuilds from these same objects, then map each array back to an object.
 */
export async function listOccurrences(db: Db, filter: RangeFilter): Promise<OccurrenceRow[]> {
	const { sql: text, params } = overlapQuery(db, filter).toSQL();
	const { results } = await db.$client
		.prepare(text)
		.bind(...params)
		.all<D1OccurrenceRow>();
	return results.map(occurrenceRowOf);
}

/**
 * One series' sessions, 404 for an unknown or deleted pattern: the existence check and the range
 * query travel in one batch, so a series page is one round trip like any range page.
 */
export async function listSeriesOccurrences(
	db: Db,
	patternId: number,
	filter: Omit<RangeFilter, "patternId">,
): Promise<OccurrenceRow[]> {
	const [pattern, rows] = await db.batch([
		db
			.select({ id: patterns.id })
			.from(patterns)
			.where(
				and(
					eq(patterns.id, patternId),
					isNull(patterns.deletedAt),
					visibleCalendars(patterns.calendarId, filter.scope),
				),
			),
		overlapQuery(db, { ...filter, patternId }),
	]);
	if (pattern.length === 0) throw notFound("Pattern", patternId);
	return rows;
}

export interface OccurrenceChanges {
	title?: string;
	description?: string;
	startAt?: number;
	durationMinutes?: number;
	/** Gives the session a capacity of its own (own_capacity): pattern changes no longer reach it. */
	capacity?: number | null;
}

/** Why a guarded single-row write matched nothing: the row is gone, stale, or in the wrong state. */
async function explainMiss(
	db: Db,
	id: number,
	options: { requiredVersion?: number; scope: CalendarScope },
	wrongState: (row: OccurrenceRow) => ApiError | undefined,
): Promise<never> {
	const { requiredVersion } = options;
	const row = await findOccurrence(db, id, options.scope);
	if (requiredVersion !== undefined && row.version !== requiredVersion) {
		throw staleVersion("occurrence", id);
	}
	throw wrongState(row) ?? new ApiError("conflict", `Occurrence ${id} changed meanwhile; retry.`);
}

/** After a guarded write and its ifChanged bump: the session's change, if the write matched. */
const sessionChanged = (db: Db, id: number, now: number) =>
	changeRows(db, {
		type: "occurrence",
		op: "updated",
		event: occurrenceEvent,
		rows: { where: sql`t.id = ${id} AND changes() > 0` },
		now,
	});

const versionIs = (requiredVersion: number | undefined) =>
	requiredVersion === undefined ? undefined : eq(occurrences.version, requiredVersion);

/**
 * Edits one session in one statement. A pattern-born session becomes an exception, so later
 * pattern edits leave it alone; its original slot stays, so it is never generated again.
 */
export async function updateOccurrence(
	db: Db,
	id: number,
	changes: OccurrenceChanges,
	options: { now: number; requiredVersion?: number; scope: CalendarScope },
): Promise<OccurrenceRow> {
	const startAt = changes.startAt ?? sql`${occurrences.startAt}`;
	const duration = changes.durationMinutes ?? sql`${occurrences.durationMinutes}`;
	const { capacity, ...fields } = changes;
	const seatStatements =
		capacity === undefined ? [] : capacityChangedStatements(db, id, options.now);
	const results = await db.batch([
		db
			.update(occurrences)
			.set({
				...fields,
				...(capacity === undefined ? {} : { capacity, ownCapacity: true }),
				endAt: sql`${startAt} + ${duration} * 60000`,
				isException: sql`${occurrences.patternId} IS NOT NULL`,
				version: sql`${occurrences.version} + 1`,
				updatedAt: options.now,
			})
			.where(and(visibleOccurrence(id, options.scope), versionIs(options.requiredVersion)))
			.returning(),
		bumpCalendarVersion(db, options.now, { ifChanged: true, calendarId: calendarOfOccurrence(id) }),
		// Right after the bump: its changes() says whether the session row changed.
		...sessionChanged(db, id, options.now),
		...seatStatements,
	]);
	const [updated] = results[0] as OccurrenceRow[];
	// A capacity change ends with a read of the settled row (its counts moved).
	const settled = seatStatements.length ? (results.at(-1) as OccurrenceRow[]) : [];
	const row = updated && (settled[0] ?? updated);
	return row ?? explainMiss(db, id, options, () => undefined);
}

const transitions = {
	cancelled: { from: ["scheduled"], verb: "cancel", markException: true },
	completed: { from: ["scheduled"], verb: "complete", markException: false },
} as const;

/** Cancels or completes a scheduled session: one statement whose WHERE is the state machine. */
export async function transitionOccurrence(
	db: Db,
	id: number,
	to: keyof typeof transitions,
	options: { now: number; requiredVersion?: number; scope: CalendarScope },
): Promise<OccurrenceRow> {
	const transition = transitions[to];
	const [[row]] = await db.batch([
		db
			.update(occurrences)
			.set({
				status: to,
				...(transition.markException
					? { isException: sql`${occurrences.patternId} IS NOT NULL` }
					: {}),
				// Its bookings and holds are cancelled in the same batch (below).
				...(to === "cancelled" ? { booked: 0, held: 0, waitlisted: 0 } : {}),
				version: sql`${occurrences.version} + 1`,
				updatedAt: options.now,
			})
			.where(
				and(
					visibleOccurrence(id, options.scope),
					eq(occurrences.status, "scheduled"),
					versionIs(options.requiredVersion),
				),
			)
			.returning(),
		bumpCalendarVersion(db, options.now, { ifChanged: true, calendarId: calendarOfOccurrence(id) }),
		// Right after the bump: its changes() says whether the session row changed.
		...sessionChanged(db, id, options.now),
		...(to === "cancelled" ? sessionCancelledStatements(db, id, options.now) : []),
	]);
	return (
		row ??
		explainMiss(db, id, options, (current) =>
			current.status === "scheduled"
				? undefined
				: new ApiError(
						"conflict",
						`Cannot ${transition.verb} occurrence ${id}: it is already ${current.status}.`,
					),
		)
	);
}
