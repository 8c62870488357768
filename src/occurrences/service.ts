import { and, eq, isNull, sql } from "drizzle-orm";
import { capacityChangedStatements, sessionCancelledStatements } from "../bookings/batches";
import { bumpCalendarVersion } from "../calendars/version";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, patterns } from "../db/schema";
import { staleVersion } from "../http/etag";
import { ApiError, notFound } from "../http/problem";
import { minutesToMs } from "../recurrence";
import { overlapQuery, type RangeFilter } from "./overlap";

export type { RangeFilter };

export interface OneTimeFields {
	title: string;
	description: string;
	startAt: number;
	durationMinutes: number;
	timezone: string;
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
		bumpCalendarVersion(db, now),
	]);
	if (!row) throw new Error("occurrence insert returned no row");
	return row;
}

export async function findOccurrence(db: Db, id: number): Promise<OccurrenceRow> {
	const row = await db.query.occurrences.findFirst({ where: eq(occurrences.id, id) });
	if (!row) throw notFound("Occurrence", id);
	return row;
}

/** Sessions whose [start, end) overlaps [filter.start, filter.end), in (start, id) order. */
export function listOccurrences(db: Db, filter: RangeFilter): Promise<OccurrenceRow[]> {
	return overlapQuery(db, filter);
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
			.where(and(eq(patterns.id, patternId), isNull(patterns.deletedAt))),
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
	requiredVersion: number | undefined,
	wrongState: (row: OccurrenceRow) => ApiError | undefined,
): Promise<never> {
	const row = await findOccurrence(db, id);
	if (requiredVersion !== undefined && row.version !== requiredVersion) {
		throw staleVersion("occurrence", id);
	}
	throw wrongState(row) ?? new ApiError("conflict", `Occurrence ${id} changed meanwhile; retry.`);
}

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
	options: { now: number; requiredVersion?: number },
): Promise<OccurrenceRow> {
	const startAt = changes.startAt ?? sql`${occurrences.startAt}`;
	const duration = changes.durationMinutes ?? sql`${occurrences.durationMinutes}`;
	const { capacity, ...fields } = changes;
	const [[updated], , ...seatWrites] = await db.batch([
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
			.where(and(eq(occurrences.id, id), versionIs(options.requiredVersion)))
			.returning(),
		bumpCalendarVersion(db, options.now, { ifChanged: true }),
		...(capacity === undefined ? [] : capacityChangedStatements(db, id, options.now)),
	]);
	const row = updated && ((seatWrites.at(-1) as OccurrenceRow[] | undefined)?.[0] ?? updated);
	return row ?? explainMiss(db, id, options.requiredVersion, () => undefined);
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
	options: { now: number; requiredVersion?: number },
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
					eq(occurrences.id, id),
					eq(occurrences.status, "scheduled"),
					versionIs(options.requiredVersion),
				),
			)
			.returning(),
		bumpCalendarVersion(db, options.now, { ifChanged: true }),
		...(to === "cancelled" ? sessionCancelledStatements(db, id, options.now) : []),
	]);
	return (
		row ??
		explainMiss(db, id, options.requiredVersion, (current) =>
			current.status === "scheduled"
				? undefined
				: new ApiError(
						"conflict",
						`Cannot ${transition.verb} occurrence ${id}: it is already ${current.status}.`,
					),
		)
	);
}
