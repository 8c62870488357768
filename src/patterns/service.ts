import { and, asc, eq, gt, gte, isNull, type SQL, sql } from "drizzle-orm";
import { bumpCalendarVersion } from "../calendars/version";
import { changeRows } from "../changes/record";
import type { WriteBudget } from "../config";
import { type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { causeChain } from "../db/errors";
import { occurrences, type PatternRow, patterns } from "../db/schema";
import { staleVersion } from "../http/etag";
import { ApiError, notFound } from "../http/problem";
import {
	followsPattern,
	handledByHand,
	insertSlots,
	ruleOf,
	skipHandledDays,
} from "../occurrences/writer";
import {
	expandSlots,
	firstSlotAtOrAfter,
	horizonEnd,
	MS_PER_DAY,
	materializationPlan,
	minutesToMs,
	type Slot,
} from "../recurrence";
import { hasNoBookings, hasNoBookingsOf, patternCapacityStatements } from "../seats/batches";
import { sessionsUpdated } from "../seats/changes";
import { checkSessionWrite } from "./session-budget";

/** The writable fields of a pattern, already validated. */
export interface PatternFields {
	title: string;
	description: string;
	weekdays: number[];
	interval: number;
	count: number | null;
	time: string;
	timezone: string;
	durationMinutes: number;
	startDate: string;
	endDate: string | null;
	isActive: boolean;
	calendarId: number;
	/** Seats per session (null = unlimited) and whether a full session keeps a waitlist. */
	capacity: number | null;
	waitlist: boolean;
}

export type PatternChanges = Partial<Omit<PatternFields, "startDate" | "calendarId">>;

export interface CreateOptions {
	now: number;
	generate: boolean;
	monthsAhead: number;
	/** The Cron Trigger's horizon: how far the next materialization goes without generate. */
	horizonMonths: number;
	/** What this request may write into sessions (config.ts, writeBudget). */
	budget: WriteBudget;
}
const SERIES_START = Date.UTC(1970, 0, 1);
const INSERTED = { inserted: true } as const;
const sessionsCreated = (now: number) =>
	({
		type: "occurrence",
		op: "created",
		event: "occurrence.created",
		rows: INSERTED,
		now,
	}) as const;
export const livePattern = (id: number) => and(eq(patterns.id, id), isNull(patterns.deletedAt));
/** A live pattern of the caller's calendars: the term every statement on one pattern carries. */
export const visiblePattern = (id: number, scope: CalendarScope) =>
	and(livePattern(id), visibleCalendars(patterns.calendarId, scope));

export function checkPatternRules(fields: PatternFields) {
	if (fields.endDate !== null && fields.endDate <= fields.startDate) {
		throw new ApiError("validation", "end_date must be after start_date.", {
			errors: [{ path: "end_date", message: "Must be after start_date." }],
		});
	}
	if (fields.endDate !== null && fields.count !== null) {
		throw new ApiError("validation", "A series ends either by count or by end_date, not both.", {
			errors: [{ path: "count", message: "Cannot be combined with end_date." }],
		});
	}
}

export async function createPattern(
	db: Db,
	fields: PatternFields,
	options: CreateOptions,
): Promise<{ pattern: PatternRow; created: number }> {
	checkPatternRules(fields);
	const { now } = options;
	const rule = ruleOf(fields);
	const until =
		options.generate && fields.isActive ? horizonEnd(now, options.monthsAhead) : SERIES_START;
	const plan = materializationPlan(rule, { from: SERIES_START, until });
	if (fields.isActive) {
		// Without generate_occurrences the next materialization (through the horizon) makes them.
		const sessions = options.generate
			? plan.slots.length
			: expandSlots(rule, { from: SERIES_START, until: horizonEnd(now, options.horizonMonths) })
					.length;
		checkSessionWrite(
			{ sessions, title: fields.title, description: fields.description },
			options.budget,
			"give a later start_date (sessions are made from start_date on), a smaller months_ahead, an end_date or a count",
		);
	}
	const [inserted, , , slotInsert] = await db.batch([
		db
			.insert(patterns)
			.values({
				...fields,
				materializedUntil: until,
				nextSlotAt: plan.nextSlotAt,
				createdAt: now,
				updatedAt: now,
			})
			.returning(),
		...changeRows(db, {
			type: "pattern",
			op: "created",
			event: "pattern.created",
			rows: INSERTED,
			now,
		}),
		insertSlots(
			db,
			plan.slots.map((slot) => [null, 1, slot.start]),
			now,
		),
		...changeRows(db, sessionsCreated(now)),
		bumpCalendarVersion(db, now, { calendarId: fields.calendarId }),
	]);
	const pattern = inserted[0];
	if (!pattern) throw new Error("pattern insert returned no row");
	return { pattern, created: slotInsert.meta.changes };
}

export async function findPattern(db: Db, id: number, scope: CalendarScope): Promise<PatternRow> {
	const pattern = await db.query.patterns.findFirst({ where: visiblePattern(id, scope) });
	if (!pattern) throw notFound("Pattern", id);
	return pattern;
}

export interface PatternFilter {
	afterId?: number;
	limit: number;
	isActive?: boolean;
	weekday?: number;
	search?: string;
	scope: CalendarScope;
}

export function listPatterns(db: Db, filter: PatternFilter): Promise<PatternRow[]> {
	const conditions: (SQL | undefined)[] = [
		isNull(patterns.deletedAt),
		visibleCalendars(patterns.calendarId, filter.scope),
	];
	if (filter.afterId !== undefined) conditions.push(gt(patterns.id, filter.afterId));
	if (filter.isActive !== undefined) conditions.push(eq(patterns.isActive, filter.isActive));
	if (filter.weekday !== undefined) {
		conditions.push(
			sql`EXISTS (SELECT 1 FROM json_each(${patterns.weekdays}) WHERE value = ${filter.weekday})`,
		);
	}
	if (filter.search) {
		conditions.push(sql`instr(lower(${patterns.title}), lower(${filter.search})) > 0`);
	}
	return db
		.select()
		.from(patterns)
		.where(and(...conditions))
		.orderBy(asc(patterns.id))
		.limit(filter.limit);
}

const slotFields = ["weekdays", "interval", "count", "time", "timezone", "endDate"] as const;
const copiedFields = ["title", "description", "durationMinutes"] as const;

/**
 * Moves a live pattern from version `from` to the next one, as the first statement of a batch
 * that it guards: if another write moved the pattern on (or deleted it) since it was read, the
 * version becomes NULL, NOT NULL rejects it, and D1 rolls the whole batch back. Racing writers
 * compute the same next version, so no later statement could tell the winner's row from a
 * loser's; failing the batch is what keeps a loser's session writes out.
 */
export const advancePattern = (db: Db, id: number, from: number, changes: Partial<PatternRow>) =>
	db
		.update(patterns)
		.set({
			...changes,
			version: sql`CASE WHEN ${patterns.version} = ${from} AND ${patterns.deletedAt} IS NULL THEN ${from + 1} END`,
		})
		.where(eq(patterns.id, id))
		.returning();

const outraced = /NOT NULL constraint failed: patterns\.version/;

/** Future sessions of the pattern that a write left in place because they have bookings. */
const keptBookedSessions = (db: Db, id: number, now: number) =>
	db
		.select({ id: occurrences.id })
		.from(occurrences)
		.where(and(followsPattern(id, now), sql`NOT (${hasNoBookings})`))
		.orderBy(asc(occurrences.startAt));

/** Awaits a batch led by advancePattern; undefined when another write got there first. */
export async function unlessOutraced<T>(batch: Promise<T>): Promise<T | undefined> {
	try {
		return await batch;
	} catch (error) {
		if (error instanceof Error && outraced.test(causeChain(error))) return undefined;
		throw error;
	}
}

export interface UpdateOptions {
	now: number;
	requiredVersion?: number;
	horizonMonths: number;
	/** What the edit may write into sessions (config.ts, writeBudget). */
	budget: WriteBudget;
	/** The caller's calendars: a pattern outside them does not exist for it. */
	scope: CalendarScope;
}

/**
 * Applies a partial update. Future sessions that still follow the pattern change with it: copied
 * fields in place; a new slot rule (time, days, zone, interval, count, end date) replaces them with
 * the new rule's slots over the window already materialized. Edited, cancelled, completed and past
 * sessions are never touched. One read, then one atomic batch guarded by the pattern's version.
 */
export function updatePattern(
	db: Db,
	id: number,
	changes: PatternChanges,
	options: UpdateOptions,
): Promise<PatternWrite> {
	return retryLostRace(options.requiredVersion, id, () =>
		tryUpdatePattern(db, id, changes, options),
	);
}

async function tryUpdatePattern(
	db: Db,
	id: number,
	changes: PatternChanges,
	options: UpdateOptions,
): Promise<PatternWrite | undefined> {
	const { now } = options;
	const { current, handled } = await readForUpdate(db, id, options);
	const next = { ...current, ...changes };
	checkPatternRules(next);

	const movesSlots = slotFields.some(
		(field) =>
			field in changes && JSON.stringify(changes[field]) !== JSON.stringify(current[field]),
	);
	const reactivated = next.isActive && !current.isActive;
	let materializedUntil = current.materializedUntil;
	if (reactivated)
		materializedUntil = Math.max(materializedUntil, horizonEnd(now, options.horizonMonths));
	const edit: SessionEdit = {
		current,
		next,
		changes,
		handled,
		movesSlots,
		regenerate: movesSlots || reactivated,
		materializedUntil,
	};
	const nextSlotAt = edit.regenerate
		? (firstSlotAtOrAfter(ruleOf(next), materializedUntil)?.start ?? null)
		: current.nextSlotAt;

	const patternUpdate = advancePattern(db, id, current.version, {
		...changes,
		updatedAt: now,
		materializedUntil,
		nextSlotAt,
	});
	const sessionWrites = sessionStatements(db, edit, options);
	// Booked sessions stayed where they were (bookings never move): the response names them.
	const keptAt = movesSlots ? sessionWrites.push(keptBookedSessions(db, id, now)) : 0;
	const patternChange = patternChanged(db, id, "updated", now);
	// Its place in the batch: after the pattern's update and change statements.
	const keptIndex = keptAt && keptAt + patternChange.length;
	const results = await unlessOutraced(
		db.batch([
			patternUpdate,
			...patternChange,
			...sessionWrites,
			bumpCalendarVersion(db, now, { calendarId: current.calendarId }),
		]),
	);
	const row = results?.[0][0];
	if (!row || !keptIndex) return row;
	return withKept(row, results[keptIndex] as { id: number }[]);
}

/** One round trip: the pattern (404 outside the scope, 412 on a stale If-Match) and its future sessions handled by hand. */
async function readForUpdate(db: Db, id: number, options: UpdateOptions) {
	const [found, handled] = await db.batch([
		db.select().from(patterns).where(visiblePattern(id, options.scope)).limit(1),
		db
			.select({ originalStartAt: occurrences.originalStartAt, timezone: occurrences.timezone })
			.from(occurrences)
			.where(
				and(
					eq(occurrences.patternId, id),
					gte(occurrences.originalStartAt, options.now - MS_PER_DAY),
					handledByHand,
					visibleCalendars(occurrences.calendarId, options.scope),
				),
			),
	]);
	const current = found[0];
	if (!current) throw notFound("Pattern", id);
	if (options.requiredVersion !== undefined && options.requiredVersion !== current.version) {
		throw staleVersion("pattern", id);
	}
	return { current, handled };
}

/** What a pattern edit does to its sessions, as decided from the pattern before and after. */
interface SessionEdit {
	current: PatternRow;
	next: PatternRow;
	changes: PatternChanges;
	/** Its future sessions handled by hand: their days are skipped by a new rule. */
	handled: { originalStartAt: number | null; timezone: string }[];
	/** A slot field changed: the rule's sessions are replaced by the new rule's. */
	movesSlots: boolean;
	/** New slots are inserted (a new rule, or a reactivation filling in what is missing). */
	regenerate: boolean;
	materializedUntil: number;
}

/**
 * The statements that carry an edit to the pattern's future sessions, in batch order, after the
 * write budget is checked: old slots out (booked ones stay), copied fields in place, new slots in,
 * capacity, then one change row per session changed in place.
 */
function sessionStatements(db: Db, edit: SessionEdit, options: UpdateOptions) {
	const { current, next, changes } = edit;
	const { now } = options;
	const id = current.id;
	const statements = [];
	const copiesText = copiedFields.some((field) => field in changes);
	// Sessions the batch creates or rewrites: the new slots, or else (a copied field changed) at
	// most the current rule's slots still ahead.
	let rewritten = copiesText
		? expandSlots(ruleOf(current), { from: now, until: current.materializedUntil }).length
		: 0;
	let newSlots: Slot[] = [];
	if (edit.regenerate) {
		const plan = materializationPlan(ruleOf(next), { from: now, until: edit.materializedUntil });
		newSlots = edit.movesSlots
			? skipHandledDays(plan.slots, edit.handled, next.timezone)
			: plan.slots;
		rewritten = newSlots.length;
		// Only a new slot rule retires the old slots; a reactivation keeps the sessions (and ids)
		// it has and fills in the rest, existing slots being skipped by ON CONFLICT DO NOTHING.
		if (edit.movesSlots) {
			statements.push(
				...sessionsDeleted(db, id, now, now),
				db.delete(occurrences).where(and(followsPattern(id, now), hasNoBookings)),
			);
		}
	}
	checkSessionWrite(
		{ sessions: rewritten, title: next.title, description: next.description },
		options.budget,
		"give the series an end_date, a count or fewer weekdays (the edit rewrites the sessions materialized from now on)",
	);
	// Before the new slots are inserted: they take the pattern's new fields as they are written.
	if (copiesText) {
		statements.push(
			db
				.update(occurrences)
				.set({
					title: next.title,
					description: next.description,
					durationMinutes: next.durationMinutes,
					endAt: sql`${occurrences.startAt} + ${minutesToMs(next.durationMinutes)}`,
					version: sql`${occurrences.version} + 1`,
					updatedAt: now,
				})
				.where(followsPattern(id, now)),
		);
	}
	if (edit.regenerate) {
		statements.push(
			insertSlots(
				db,
				newSlots.map((slot) => [id, current.version + 1, slot.start]),
				now,
			),
			...changeRows(db, sessionsCreated(now)),
		);
	}
	if ("capacity" in changes) {
		statements.push(...patternCapacityStatements(db, id, next.capacity, now));
	}
	// Last: each session the write changed in place (copied fields, capacity), once, as it is now.
	statements.push(...sessionsUpdated(db, id, now));
	return statements;
}

/** A pattern write's row, with the booked sessions it kept as they were (PatternWrite). */
export type PatternWrite = PatternRow & { keptBookedSessions?: number[] };

const withKept = (row: PatternRow, kept: { id: number }[]): PatternWrite =>
	kept.length ? { ...row, keptBookedSessions: kept.map((session) => session.id) } : row;

/**
 * Deletes (soft) a pattern and, with deleteFuture, its future sessions that still follow it;
 * history and hand-edited sessions stay. deleteFuture=false only deactivates the pattern.
 */
export function deletePattern(
	db: Db,
	id: number,
	options: { now: number; deleteFuture: boolean; requiredVersion?: number; scope: CalendarScope },
): Promise<PatternWrite> {
	return retryLostRace(options.requiredVersion, id, () => tryDeletePattern(db, id, options));
}

async function tryDeletePattern(
	db: Db,
	id: number,
	options: { now: number; deleteFuture: boolean; requiredVersion?: number; scope: CalendarScope },
): Promise<PatternWrite | undefined> {
	const { now } = options;
	const current = await findPattern(db, id, options.scope);
	if (options.requiredVersion !== undefined && options.requiredVersion !== current.version) {
		throw staleVersion("pattern", id);
	}
	const patternUpdate = advancePattern(db, id, current.version, {
		isActive: false,
		updatedAt: now,
		...(options.deleteFuture ? { deletedAt: now } : {}),
	});
	const bump = bumpCalendarVersion(db, now, { calendarId: current.calendarId });
	const batch = options.deleteFuture
		? db.batch([
				patternUpdate,
				...patternChanged(db, id, "deleted", now),
				...sessionsDeleted(db, id, now, now),
				db.delete(occurrences).where(and(followsPattern(id, now), hasNoBookings)),
				bump,
				keptBookedSessions(db, id, now),
			])
		: db.batch([patternUpdate, ...patternChanged(db, id, "updated", now), bump]);
	const results = await unlessOutraced<[PatternRow[], ...unknown[]]>(batch);
	const row = results?.[0][0];
	if (!row || !options.deleteFuture) return row;
	// The kept sessions are the batch's last statement.
	return withKept(row, results.at(-1) as { id: number }[]);
}

/** The pattern's change, after the version-guarded write that fails the batch if outraced. */
const patternChanged = (db: Db, id: number, op: "updated" | "deleted", now: number) =>
	changeRows(db, {
		type: "pattern",
		op,
		event: `pattern.${op}`,
		rows: { where: sql`t.id = ${id}` },
		now,
	});

/** A deleted change per session about to be deleted: they go before the DELETE with its WHERE. */
export const sessionsDeleted = (db: Db, patternId: number, from: number, now: number) =>
	changeRows(db, {
		type: "occurrence",
		op: "deleted",
		event: "occurrence.deleted",
		// Exactly the sessions the write then deletes: a session with bookings is kept.
		rows: {
			where: sql`${followsPattern(patternId, from)} AND ${hasNoBookingsOf("t")}`,
		},
		now,
	});

/**
 * Runs a read-then-guarded-write attempt. An attempt returns undefined when another writer changed
 * the pattern between its read and its write (nothing of it was applied). With If-Match that is a
 * 412; without, the attempt is simply made again on the fresh row.
 */
async function retryLostRace(
	requiredVersion: number | undefined,
	id: number,
	attempt: () => Promise<PatternWrite | undefined>,
): Promise<PatternWrite> {
	for (let tries = 1; ; tries++) {
		const pattern = await attempt();
		if (pattern) return pattern;
		if (requiredVersion !== undefined) throw staleVersion("pattern", id);
		if (tries === 3) {
			throw new ApiError("conflict", `Pattern ${id} is being changed by another request; retry.`);
		}
	}
}
