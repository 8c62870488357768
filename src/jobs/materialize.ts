import { and, asc, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { idempotent } from "../db/retry";
import { patterns } from "../db/schema";
import { insertSlots, ruleOf, type SlotTuple } from "../materialization/slots";
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
	/** Patterns per page: bounds memory and the size of each batch's JSON parameter. */
	pageSize?: number;
	/** Stop starting new pages after this long; the next run carries on where this one stopped. */
	timeBudgetMs?: number;
}

/**
 * Materializes every live, active pattern through the horizon. Due patterns come from the partial
 * index on next_slot_at, so a run with nothing due reads nothing. Each page is one batch that
 * inserts the page's slots and moves each pattern's mark forward together; a run cut short
 * anywhere leaves every pattern either fully done or untouched, and slots are unique, so runs
 * may overlap or repeat without gaps or duplicates.
 */
export async function materializeDuePatterns(
	db: Db,
	options: MaterializeOptions,
): Promise<MaterializeReport> {
	const started = Date.now();
	const { now, pageSize = 400, timeBudgetMs = 20_000 } = options;
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
		if (Date.now() - started > timeBudgetMs) break;
		const page = await db
			.select()
			.from(patterns)
			.where(
				and(
					sql`${patterns.isActive} = 1`,
					isNull(patterns.deletedAt),
					isNotNull(patterns.nextSlotAt),
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
		const slots: SlotTuple[] = [];
		const marks: [id: number, version: number, materializedUntil: number, next: number | null][] =
			[];
		for (const pattern of page) {
			const plan = materializationPlan(ruleOf(pattern), {
				from: pattern.materializedUntil,
				until,
			});
			for (const slot of plan.slots) slots.push([pattern.id, pattern.version, slot.start]);
			marks.push([pattern.id, pattern.version, until, plan.nextSlotAt]);
		}
		// Both statements may run twice harmlessly (slots are unique; marks are absolute values), so
		// the D1 wrapper may retry this batch after a transient failure.
		const [inserted] = await db.batch([
			idempotent(insertSlots(db, slots, now)),
			idempotent(advanceMarks(db, marks)),
		]);
		report.patterns_scanned += page.length;
		report.occurrences_created += inserted.meta.changes;
		report.batches += 1;
		const last = page[page.length - 1];
		if (!last || page.length < pageSize) {
			report.complete = true;
			break;
		}
		after = { nextSlotAt: last.nextSlotAt ?? 0, id: last.id };
	}
	report.duration_ms = Date.now() - started;
	return report;
}

/** Moves each pattern's materialization mark, unless the pattern changed since it was read. */
function advanceMarks(db: Db, marks: [number, number, number, number | null][]) {
	return db
		.update(patterns)
		.set({ materializedUntil: sql`m.value ->> 2`, nextSlotAt: sql`m.value ->> 3` })
		.from(sql`json_each(${JSON.stringify(marks)}) AS m`)
		.where(sql`${patterns.id} = m.value ->> 0 AND ${patterns.version} = m.value ->> 1`);
}
