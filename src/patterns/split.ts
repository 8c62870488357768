import { and, asc, count, eq, gte, lt, not, or, sql } from "drizzle-orm";
import { bumpCalendarVersion } from "../calendars/version";
import { changeRows } from "../changes/record";
import type { WriteBudget } from "../config";
import type { CalendarScope } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, type PatternRow, patterns } from "../db/schema";
import { staleVersion } from "../http/etag";
import { ApiError, notFound } from "../http/problem";
import { followsPattern, insertSlots } from "../occurrences/writer";
import { MS_PER_DAY } from "../recurrence";
import { hasNoBookings } from "../seats/batches";
import {
	advancePattern,
	findPattern,
	sessionsDeleted,
	unlessOutraced,
	visiblePattern,
} from "./service";
import { checkSessionWrite } from "./session-budget";
import { planSplit, type SplitPlan, type SplitRequest } from "./split-plan";

export type SessionSummary = Pick<
	OccurrenceRow,
	"startAt" | "originalStartAt" | "status" | "isException"
> & { id: number | null };

/** How many sessions a split answers per list: a split from 1970 keeps some 20,000. */
export const SESSIONS_LISTED = 100;

/** A list of sessions as a split answers it: how many, and the first SESSIONS_LISTED by start. */
export interface SessionList {
	count: number;
	first: SessionSummary[];
}

export interface SplitOutcome {
	dryRun: boolean;
	oldPattern: PatternRow;
	/** The new pattern; its id is null in a dry run. */
	newPattern: Omit<PatternRow, "id"> & { id: number | null };
	created: SessionList;
	moved: SessionList;
	kept: SessionList;
}

const byStart = (a: SessionSummary, b: SessionSummary) =>
	a.startAt - b.startAt || (a.id ?? 0) - (b.id ?? 0);

/** All of a list, in start order, as its count and first page. */
function listed(sessions: SessionSummary[]): SessionList {
	return { count: sessions.length, first: sessions.toSorted(byStart).slice(0, SESSIONS_LISTED) };
}

export interface SplitOptions {
	now: number;
	requiredVersion?: number;
	horizonMonths: number;
	/** What the new series may be given (config.ts, writeBudget). */
	budget: WriteBudget;
	dryRun: boolean;
	/** The caller's calendars: a pattern outside them is 404. */
	scope: CalendarScope;
}

const summary = {
	id: occurrences.id,
	startAt: occurrences.startAt,
	originalStartAt: occurrences.originalStartAt,
	status: occurrences.status,
	isException: occurrences.isException,
};

/**
 * "This and following": ends the pattern the day before `from` and starts a new pattern on `from`
 * with the changes. Unedited scheduled sessions from then on move to the new series (they are
 * removed and the new series' slots are materialized over the same window); edited, cancelled,
 * completed and past ones stay on the old series and keep their slots. One round trip reads the
 * pattern and its sessions, then one D1 batch applies everything or nothing.
 */
export async function splitPattern(
	db: Db,
	id: number,
	request: SplitRequest,
	options: SplitOptions,
): Promise<SplitOutcome> {
	const { current, rows, history } = await readSplit(
		db,
		id,
		request.from,
		options.now,
		options.scope,
	);
	if (options.requiredVersion !== undefined && options.requiredVersion !== current.version) {
		throw staleVersion("pattern", id);
	}
	const plan = planSplit(current, rows, request, options);
	// The dry run answers what the real run would, this refusal included.
	checkSessionWrite(
		{ sessions: plan.created.length, ...plan.newPattern },
		options.budget,
		"give changes.end_date, changes.count or fewer weekdays (the new series remakes the sessions materialized from `from` on)",
	);
	if (options.dryRun) {
		return {
			dryRun: true,
			oldPattern: plan.oldPattern,
			newPattern: { ...plan.newPattern, id: null },
			created: listed(
				plan.created.map((start) => ({
					id: null,
					startAt: start,
					originalStartAt: start,
					status: "scheduled",
					isException: false,
				})),
			),
			moved: listed(plan.moved),
			kept: {
				count: history.count(plan.firstDay) + plan.kept.length,
				first: [...history.first(plan.firstDay), ...plan.kept]
					.toSorted(byStart)
					.slice(0, SESSIONS_LISTED),
			},
		};
	}
	const outcome = await writeSplit(db, id, current.version, plan);
	if (outcome) return outcome;
	// Another write changed or deleted the pattern between the read and the batch: nothing was
	// written. Deleted is 404; changed is 412 for a client that sent If-Match, else 409.
	await findPattern(db, id, options.scope);
	if (options.requiredVersion !== undefined) throw staleVersion("pattern", id);
	throw new ApiError(
		"conflict",
		`Pattern ${id} was changed by another request while it was being split; nothing was written. Fetch it and retry.`,
	);
}

/**
 * One round trip reads the pattern and its sessions from `from` on. The pattern's zone, which
 * places `from` on the time line, is not known yet: two days of slack cover every UTC offset, and
 * the plan keeps only the sessions from local midnight (`firstDay`) on.
 *
 * Sessions the split may move or whose day a new slot may fall on are read whole: those from two
 * days before now on, and any unedited scheduled one still to come. The others are history, which
 * the split keeps whatever it is (years of it, from a `from` long past): only counted, and their
 * first page read. The few near `from` are read apart, since which of them come before `firstDay`
 * is known only once the zone is.
 */
async function readSplit(db: Db, id: number, from: string, now: number, scope: CalendarScope) {
	const lo = Date.parse(from) - 2 * MS_PER_DAY;
	const recent = Math.max(lo, now - 2 * MS_PER_DAY);
	// firstDay, local midnight of `from`, is 34 to 60 hours after lo (UTC+14 to UTC−12): three days
	// cover it.
	const nearFrom = Math.min(recent, lo + 3 * MS_PER_DAY);
	const ofPattern = eq(occurrences.patternId, id);
	const mayMove = sql`(${occurrences.status} = 'scheduled' AND ${occurrences.isException} = 0 AND ${occurrences.startAt} >= ${now})`;
	const historyIn = (start: number, end: number) =>
		and(
			ofPattern,
			gte(occurrences.originalStartAt, start),
			lt(occurrences.originalStartAt, end),
			not(mayMove),
		);
	const byStartOrder = [asc(occurrences.startAt), asc(occurrences.id)] as const;
	const [found, rows, near, [older], olderFirst] = await db.batch([
		db.select().from(patterns).where(visiblePattern(id, scope)).limit(1),
		db
			.select()
			.from(occurrences)
			.where(
				and(
					ofPattern,
					gte(occurrences.originalStartAt, lo),
					or(gte(occurrences.originalStartAt, recent), mayMove),
				),
			)
			.orderBy(...byStartOrder),
		db.select(summary).from(occurrences).where(historyIn(lo, nearFrom)),
		db.select({ count: count() }).from(occurrences).where(historyIn(nearFrom, recent)),
		db
			.select(summary)
			.from(occurrences)
			.where(historyIn(nearFrom, recent))
			.orderBy(...byStartOrder)
			.limit(SESSIONS_LISTED),
	]);
	const current = found[0];
	if (!current) throw notFound("Pattern", id);
	const nearKept = (firstDay: number) =>
		near.filter((row) => row.originalStartAt !== null && row.originalStartAt >= firstDay);
	return {
		current,
		rows,
		/** The history from `firstDay` on: all kept, so counted and listed as kept. */
		history: {
			count: (firstDay: number) => nearKept(firstDay).length + (older?.count ?? 0),
			first: (firstDay: number) => [...nearKept(firstDay), ...olderFirst],
		},
	};
}

async function writeSplit(
	db: Db,
	id: number,
	version: number,
	plan: SplitPlan,
): Promise<SplitOutcome | undefined> {
	const { oldPattern, newPattern } = plan;
	const now = newPattern.createdAt;
	// The new pattern's id is assigned inside the batch: "(SELECT max(id) FROM patterns)" is the
	// row the batch inserted, since D1 runs a batch as one transaction with no other writer.
	const newPatternId = sql`(SELECT max(id) FROM ${patterns})`;
	const keptSessions = and(
		eq(occurrences.patternId, id),
		gte(occurrences.originalStartAt, plan.firstDay),
	);
	const results = await unlessOutraced(
		db.batch([
			advancePattern(db, id, version, {
				endDate: oldPattern.endDate,
				count: null,
				nextSlotAt: oldPattern.nextSlotAt,
				updatedAt: now,
			}),
			db.insert(patterns).values(newPattern).returning(),
			...sessionsDeleted(db, id, plan.cut, now),
			db
				.delete(occurrences)
				.where(and(followsPattern(id, plan.cut), hasNoBookings))
				.returning(summary),
			insertSlots(
				db,
				plan.created.map((start) => [null, newPattern.version, start]),
				now,
			).returning(summary),
			// A session of the old series edited or cancelled after the plan was read stayed behind:
			// it keeps its slot, so the new series gives up its session there.
			db
				.delete(occurrences)
				.where(
					sql`${occurrences.patternId} = ${newPatternId} AND ${occurrences.originalStartAt} IN (
					SELECT original_start_at FROM occurrences
					WHERE pattern_id = ${id} AND original_start_at >= ${plan.firstDay})`,
				)
				.returning({ id: occurrences.id }),
			db
				.select(summary)
				.from(occurrences)
				.where(keptSessions)
				.orderBy(asc(occurrences.startAt), asc(occurrences.id))
				.limit(SESSIONS_LISTED),
			db.select({ count: count() }).from(occurrences).where(keptSessions),
			bumpCalendarVersion(db, now, { calendarId: newPattern.calendarId }),
			...splitChanges(db, id, now),
		]),
	);
	if (!results) return undefined;
	const [ended, inserted, , , moved, created, swept, kept, [keptCount]] = results;
	const oldRow = ended[0];
	const newRow = inserted[0];
	if (!oldRow || !newRow) throw new Error("split batch returned no pattern row");
	const sweptIds = new Set(swept.map((row) => row.id));
	return {
		dryRun: false,
		oldPattern: oldRow,
		newPattern: newRow,
		created: listed(created.filter((row) => !sweptIds.has(row.id))),
		moved: listed(moved),
		kept: { count: keptCount?.count ?? 0, first: kept },
	};
}

/**
 * The split's changes, after its writes: the old pattern (its new end), the new one, and each
 * session of the new series (all created by this batch; the removed ones went before the delete).
 */
function splitChanges(db: Db, oldId: number, now: number) {
	const newId = sql`(SELECT max(id) FROM patterns)`;
	return [
		...changeRows(db, {
			type: "pattern",
			op: "updated",
			event: "pattern.updated",
			rows: { where: sql`t.id = ${oldId}` },
			now,
		}),
		...changeRows(db, {
			type: "pattern",
			op: "created",
			event: "pattern.created",
			rows: { where: sql`t.id = ${newId}` },
			now,
		}),
		...changeRows(db, {
			type: "occurrence",
			op: "created",
			event: "occurrence.created",
			rows: { where: sql`t.pattern_id = ${newId}` },
			now,
		}),
	];
}
