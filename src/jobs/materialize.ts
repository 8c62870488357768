import { and, asc, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { bumpCalendarsOfPatterns } from "../calendars/version";
import { changeRows, retriable } from "../changes/record";
import { ALL_CALENDARS, type CalendarScope, visibleCalendars } from "../db/calendar-scope";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import { type PatternRow, patterns } from "../db/schema";
import { insertSlotsInChunks, ruleOf, type SlotTuple } from "../occurrences/writer";
import { horizonEnd, materializationPlan } from "../recurrence";

export interface MaterializeReport {
	horizon: string;
	patterns_scanned: number;
	occurrences_created: number;
	batches: number;
	complete: boolean;
	duration_ms: number;
}

export interface MaterializeOptions {
	now: number;
	months: number;
	/**
	 * Patterns per page (one read and one batch each): bounds the memory a page holds. 1,000 keeps
	 * 10,000 patterns at 21 round trips, under D1's 50 queries per invocation on Workers Free.
	 */
	pageSize?: number;
	/** Start no new page after this long; the next run carries on where this one stopped. */
	timeBudgetMs?: number;
	/**
	 * What this run may write (the materialize route's writeBudget; the cron has no such budget). A pattern is materialized
	 * up to the slot that would pass it, and the run stops there, incomplete: the next run carries
	 * on from that slot.
	 */
	budget?: { sessions: number; textBytes: number };
	/** What one batch may write (default BATCH_BUDGET); a page that owes more takes several. */
	batchBudget?: { sessions: number; textBytes: number };
	/** Only these calendars' patterns (a scoped key's run); the cron's run is every calendar. */
	scope?: CalendarScope;
}

/**
 * Only what expanding a rule and moving its mark need, and the size of the text each session
 * copies: descriptions can be 5,000 characters, and D1 need not send them.
 */
const duePatternColumns = {
	textBytes: sql<number>`length(CAST(${patterns.title} AS BLOB)) + length(CAST(${patterns.description} AS BLOB))`,
	id: patterns.id,
	version: patterns.version,
	weekdays: patterns.weekdays,
	interval: patterns.interval,
	count: patterns.count,
	time: patterns.time,
	timezone: patterns.timezone,
	startDate: patterns.startDate,
	endDate: patterns.endDate,
	materializedUntil: patterns.materializedUntil,
	nextSlotAt: patterns.nextSlotAt,
};

/**
 * Materializes every live, active pattern through the horizon. Due patterns come from the partial
 * index on next_slot_at, so a run with nothing due reads one index entry and writes nothing. Each
 * page is one batch that inserts the page's slots and moves each pattern's mark forward together;
 * a run cut short anywhere leaves every pattern either fully done or untouched, and slots are
 * unique, so runs may stop early, overlap or repeat without gaps or duplicates.
 */
export async function materializeDuePatterns(
	db: Db,
	options: MaterializeOptions,
): Promise<MaterializeReport> {
	const started = Date.now();
	const { now, pageSize = 1_000, timeBudgetMs = 20_000, batchBudget = BATCH_BUDGET } = options;
	const run = {
		sessions: options.budget?.sessions ?? Number.POSITIVE_INFINITY,
		textBytes: options.budget?.textBytes ?? Number.POSITIVE_INFINITY,
	};
	const until = horizonEnd(now, options.months);
	const report: MaterializeReport = {
		horizon: new Date(until).toISOString(),
		patterns_scanned: 0,
		occurrences_created: 0,
		batches: 0,
		complete: false,
		duration_ms: 0,
	};
	let after = { nextSlotAt: Number.MIN_SAFE_INTEGER, id: 0 };
	for (;;) {
		const page = await db
			.select(duePatternColumns)
			.from(patterns)
			.where(
				and(
					sql`${patterns.isActive} = 1`,
					isNull(patterns.deletedAt),
					isNotNull(patterns.nextSlotAt),
					visibleCalendars(patterns.calendarId, options.scope ?? ALL_CALENDARS),
					lt(patterns.nextSlotAt, until),
					sql`(${patterns.nextSlotAt}, ${patterns.id}) > (${after.nextSlotAt}, ${after.id})`,
				),
			)
			.orderBy(asc(patterns.nextSlotAt), asc(patterns.id))
			.limit(pageSize);
		if (page.length === 0) {
			report.complete = true;
			break;
		}
		const budget = {
			sessions: Math.min(run.sessions, batchBudget.sessions),
			textBytes: Math.min(run.textBytes, batchBudget.textBytes),
		};
		const { slots, marks, lastMarked, cut } = planPage(page, until, budget);
		if (!lastMarked) break;
		// Every statement may run twice harmlessly (slots are unique; marks are absolute values; a
		// second calendar bump only costs subscribers one more full fetch), so the D1 wrapper may
		// retry this batch after a transient failure. The bump follows the marks: moving a mark
		// changes the feeds (the rule's EXDATEs reach the horizon) even when no slot is new, and a
		// page whose patterns all changed meanwhile moves no mark, inserts nothing and bumps nothing.
		// A page spans calendars: each one its patterns belong to moves.
		// Each chunk's insert is followed by its change rows (one per session it created, read back
		// by INSERT … SELECT: no bound parameter per session) and their webhook deliveries.
		const sessionChanges = () =>
			retriable(
				changeRows(db, {
					type: "occurrence",
					op: "created",
					event: "occurrence.created",
					rows: { inserted: true },
					now,
				}),
			);
		const chunks = insertSlotsInChunks(db, slots, now);
		const inserts = chunks.flatMap((insert) => [idempotent(insert), ...sessionChanges()]);
		const results = await db.batch([
			idempotent(advanceMarks(db, marks)),
			idempotent(
				bumpCalendarsOfPatterns(
					db,
					now,
					marks.map(([id]) => id),
				),
			),
			...inserts,
		]);
		report.patterns_scanned += marks.length;
		// After the two leading statements, each chunk is its insert and then its change statements.
		const perChunk = inserts.length / Math.max(chunks.length, 1);
		for (let index = 2; index < results.length; index += perChunk) {
			report.occurrences_created += results[index]?.meta.changes ?? 0;
		}
		report.batches += 1;
		run.sessions -= slots.length;
		run.textBytes -= budget.textBytes - cut.textBytesLeft;
		// The run's own budget is spent: stop, incomplete. A batch's only ends the page early.
		if (cut.pattern && (run.sessions < 1 || run.textBytes < cut.pattern.textBytes)) break;
		if (!cut.pattern && page.length < pageSize) {
			report.complete = true;
			break;
		}
		// The next page starts after the last pattern given a mark, as it was read: a pattern cut
		// short comes again later in the run, its next slot having moved on.
		after = { nextSlotAt: lastMarked.nextSlotAt ?? 0, id: lastMarked.id };
		// Checked after a page, not before: however small the budget, every run makes progress.
		if (Date.now() - started >= timeBudgetMs) break;
	}
	report.duration_ms = Date.now() - started;
	return report;
}

/**
 * Sessions and bytes of copied title and description one batch may write: a page of 1,000
 * patterns that each owe months of sessions (after an outage, a longer HORIZON_MONTHS, or patterns
 * created without generate_occurrences) is cut into batches that D1 can commit, five INSERTs of
 * SLOTS_PER_STATEMENT at most. A daily run's page of 1,000 patterns owes about 1,000.
 */
const BATCH_BUDGET = { sessions: 20_000, textBytes: 32 * 1024 * 1024 };

type DuePattern = { textBytes: number } & Parameters<typeof ruleOf>[0] &
	Pick<PatternRow, "id" | "version" | "materializedUntil" | "nextSlotAt">;

/**
 * A page's slots and marks within a budget. A pattern that does not fit whole is materialized up
 * to (not including) its first slot past the budget, which stays due, and the page ends there.
 */
function planPage(
	page: DuePattern[],
	until: number,
	budget: { sessions: number; textBytes: number },
) {
	const slots: SlotTuple[] = [];
	const marks: [id: number, version: number, materializedUntil: number, next: number | null][] = [];
	let { sessions, textBytes } = budget;
	let lastMarked: DuePattern | null = null;
	for (const pattern of page) {
		const plan = materializationPlan(ruleOf(pattern), { from: pattern.materializedUntil, until });
		// Every session stores a copy of the pattern's title and description.
		const fits = Math.min(sessions, Math.floor(textBytes / pattern.textBytes));
		const stop = plan.slots[fits];
		const taken = stop ? plan.slots.slice(0, fits) : plan.slots;
		for (const slot of taken) slots.push([pattern.id, pattern.version, slot.start]);
		sessions -= taken.length;
		textBytes -= taken.length * pattern.textBytes;
		if (stop) {
			if (taken.length > 0) {
				marks.push([pattern.id, pattern.version, stop.start, stop.start]);
				lastMarked = pattern;
			}
			return { slots, marks, lastMarked, cut: { pattern, textBytesLeft: textBytes } };
		}
		marks.push([pattern.id, pattern.version, until, plan.nextSlotAt]);
		lastMarked = pattern;
	}
	return { slots, marks, lastMarked, cut: { pattern: null, textBytesLeft: textBytes } };
}

/** Moves each pattern's materialization mark, unless the pattern changed since it was read. */
function advanceMarks(db: Db, marks: [number, number, number, number | null][]) {
	return db
		.update(patterns)
		.set({ materializedUntil: sql`m.value ->> 2`, nextSlotAt: sql`m.value ->> 3` })
		.from(sql`json_each(${JSON.stringify(marks)}) AS m`)
		.where(sql`${patterns.id} = m.value ->> 0 AND ${patterns.version} = m.value ->> 1`);
}
