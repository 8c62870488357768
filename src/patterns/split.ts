import { and, asc, eq, gte, sql } from "drizzle-orm";
import { hasNoBookings } from "../bookings/batches";
import { bumpCalendarVersion } from "../calendars/version";
import type { Db } from "../db/client";
import { type OccurrenceRow, occurrences, type PatternRow, patterns } from "../db/schema";
import { staleVersion } from "../http/etag";
import { ApiError, notFound } from "../http/problem";
import { followsPattern, insertSlots } from "../occurrences/writer";
import { MS_PER_DAY } from "../recurrence";
import { advancePattern, findPattern, livePattern, unlessOutraced } from "./service";
import { planSplit, type SplitPlan, type SplitRequest } from "./split-plan";

export type SessionSummary = Pick<
	OccurrenceRow,
	"startAt" | "originalStartAt" | "status" | "isException"
> & { id: number | null };

export interface SplitOutcome {
	dryRun: boolean;
	oldPattern: PatternRow;
	/** The new pattern; its id is null in a dry run. */
	newPattern: Omit<PatternRow, "id"> & { id: number | null };
	created: SessionSummary[];
	moved: SessionSummary[];
	kept: SessionSummary[];
}

export interface SplitOptions {
	now: number;
	requiredVersion?: number;
	horizonMonths: number;
	dryRun: boolean;
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
	// One round trip reads the pattern and its sessions from `from` on. The pattern's zone, which
	// places `from` on the time line, is not known yet: two days of slack cover every UTC offset,
	// and the plan keeps only the sessions from local midnight on.
	const [found, rows] = await db.batch([
		db.select().from(patterns).where(livePattern(id)).limit(1),
		db
			.select()
			.from(occurrences)
			.where(
				and(
					eq(occurrences.patternId, id),
					gte(occurrences.originalStartAt, Date.parse(request.from) - 2 * MS_PER_DAY),
				),
			)
			.orderBy(asc(occurrences.startAt), asc(occurrences.id)),
	]);
	const current = found[0];
	if (!current) throw notFound("Pattern", id);
	if (options.requiredVersion !== undefined && options.requiredVersion !== current.version) {
		throw staleVersion("pattern", id);
	}
	const plan = planSplit(current, rows, request, options);
	if (options.dryRun) {
		return {
			dryRun: true,
			oldPattern: plan.oldPattern,
			newPattern: { ...plan.newPattern, id: null },
			created: plan.created.map((start) => ({
				id: null,
				startAt: start,
				originalStartAt: start,
				status: "scheduled",
				isException: false,
			})),
			moved: plan.moved,
			kept: plan.kept,
		};
	}
	const outcome = await writeSplit(db, id, current.version, plan);
	if (outcome) return outcome;
	// Another write changed or deleted the pattern between the read and the batch: nothing was
	// written. Deleted is 404; changed is 412 for a client that sent If-Match, else 409.
	await findPattern(db, id);
	if (options.requiredVersion !== undefined) throw staleVersion("pattern", id);
	throw new ApiError(
		"conflict",
		`Pattern ${id} was changed by another request while it was being split; nothing was written. Fetch it and retry.`,
	);
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
	const results = await unlessOutraced(
		db.batch([
			advancePattern(db, id, version, {
				endDate: oldPattern.endDate,
				count: null,
				nextSlotAt: oldPattern.nextSlotAt,
				updatedAt: now,
			}),
			db.insert(patterns).values(newPattern).returning(),
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
				.where(and(eq(occurrences.patternId, id), gte(occurrences.originalStartAt, plan.firstDay)))
				.orderBy(asc(occurrences.startAt), asc(occurrences.id)),
			bumpCalendarVersion(db, now),
		]),
	);
	if (!results) return undefined;
	const [ended, inserted, moved, created, swept, kept] = results;
	const oldRow = ended[0];
	const newRow = inserted[0];
	if (!oldRow || !newRow) throw new Error("split batch returned no pattern row");
	const sweptIds = new Set(swept.map((row) => row.id));
	return {
		dryRun: false,
		oldPattern: oldRow,
		newPattern: newRow,
		created: created.filter((row) => !sweptIds.has(row.id)),
		moved,
		kept,
	};
}
