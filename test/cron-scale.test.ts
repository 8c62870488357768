// The cron at production scale: 10,000 active patterns, about 130,000 sessions over the 3-month
// horizon, materialized by the worker's real `scheduled` handler against the local D1.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { random } from "../scripts/bench/random.mjs";
import { horizonMonths } from "../src/config";
import { createDb, emptyUsage, meteredD1 } from "../src/db/client";
import { materializeDuePatterns } from "../src/jobs/materialize";
import { expandSlots, firstSlotAtOrAfter, horizonEnd, type WeeklyRule } from "../src/recurrence";
import { runCron } from "./support/cron";
import { type RecordedStatement, recordingD1 } from "./support/d1-recorder";
import { todayPlus } from "./support/dates";

const ZONES = [
	"UTC",
	"Europe/Paris",
	"Europe/London",
	"America/New_York",
	"America/Los_Angeles",
	"America/Sao_Paulo",
	"America/St_Johns",
	"Asia/Tokyo",
	"Asia/Kolkata",
	"Asia/Kathmandu",
	"Australia/Sydney",
	"Pacific/Auckland",
	"Africa/Cairo",
];
const DURATIONS = [30, 45, 60, 60, 60, 75, 90, 120, 180];

interface Seeded {
	id: number;
	rule: WeeklyRule;
}

/**
 * Inserts `count` fresh active patterns straight into D1 (json_each, 2,000 a statement), in the
 * state POST /api/patterns with generate_occurrences=false leaves them: nothing materialized, the
 * first slot due. Mostly one weekday a week; some two, some fortnightly, some ending by date or count.
 */
async function seedPatterns(tag: string, count: number): Promise<Seeded[]> {
	const next = random(count);
	const rules: WeeklyRule[] = [];
	for (let index = 0; index < count; index++) {
		const day = Math.floor(next() * 7);
		const shape = next();
		const startDate = todayPlus(Math.floor(next() * 21) - 7);
		const time = `${String(6 + Math.floor(next() * 16)).padStart(2, "0")}:${["00", "15", "30", "45"][Math.floor(next() * 4)]}:00`;
		rules.push({
			weekdays: shape < 0.9 ? [day] : [day, (day + 3) % 7].sort((a, b) => a - b),
			interval: shape > 0.97 ? 2 : 1,
			time,
			timezone: ZONES[Math.floor(next() * ZONES.length)] ?? "UTC",
			startDate,
			endDate: shape > 0.85 && shape <= 0.9 ? todayPlus(40) : null,
			count: shape > 0.8 && shape <= 0.85 ? 5 : null,
		});
	}
	const now = Date.now();
	for (let from = 0; from < count; from += 2_000) {
		const rows = rules
			.slice(from, from + 2_000)
			.map((rule, offset) => [
				`${tag} ${from + offset}`,
				JSON.stringify(rule.weekdays),
				rule.interval,
				rule.count,
				rule.time,
				rule.timezone,
				DURATIONS[(from + offset) % DURATIONS.length],
				rule.startDate,
				rule.endDate,
				firstSlotAtOrAfter(rule, 0)?.start ?? null,
			]);
		await env.DB.prepare(
			`INSERT INTO patterns (title, weekdays, interval, count, time, timezone, duration_minutes,
				start_date, end_date, next_slot_at, created_at, updated_at)
			SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4,
				r.value ->> 5, r.value ->> 6, r.value ->> 7, r.value ->> 8, r.value ->> 9, ?1, ?1
			FROM json_each(?2) AS r`,
		)
			.bind(now, JSON.stringify(rows))
			.run();
	}
	const { results } = await env.DB.prepare(
		"SELECT id, title FROM patterns WHERE title >= ?1 AND title < ?1 || '~'",
	)
		.bind(`${tag} `)
		.all<{ id: number; title: string }>();
	return results.map((row) => {
		const rule = rules[Number(row.title.slice(tag.length + 1))];
		if (!rule) throw new Error(`unexpected pattern ${row.title}`);
		return { id: row.id, rule };
	});
}

/** What the recurrence module says each pattern must hold: count, checksum and next mark. */
function expected(patterns: Seeded[], until: number) {
	return new Map(
		patterns.map(({ id, rule }) => {
			const slots = expandSlots(rule, { from: 0, until });
			const sum = slots.reduce((total, slot) => total + slot.start, 0);
			return [
				id,
				{ count: slots.length, sum, next: firstSlotAtOrAfter(rule, until)?.start ?? null },
			];
		}),
	);
}

interface Stored {
	id: number;
	sessions: number;
	starts_sum: number | null;
	distinct_starts: number;
	materialized_until: number;
	next_slot_at: number | null;
}

/** Per pattern: sessions, the sum of their starts, distinct starts, and the pattern's marks. */
async function stored(patterns: Seeded[]): Promise<Map<number, Stored>> {
	const ids = patterns.map((pattern) => pattern.id);
	const { results } = await env.DB.prepare(
		`SELECT p.id, p.materialized_until, p.next_slot_at,
			(SELECT count(*) FROM occurrences o WHERE o.pattern_id = p.id) AS sessions,
			(SELECT sum(start_at) FROM occurrences o WHERE o.pattern_id = p.id) AS starts_sum,
			(SELECT count(DISTINCT start_at) FROM occurrences o WHERE o.pattern_id = p.id) AS distinct_starts
		FROM patterns AS p WHERE p.id BETWEEN ? AND ?`,
	)
		.bind(Math.min(...ids), Math.max(...ids))
		.all<Stored>();
	return new Map(results.map((row) => [row.id, row]));
}

/** Patterns whose stored sessions or marks differ from what the recurrence module says. */
function mismatches(
	patterns: Seeded[],
	want: ReturnType<typeof expected>,
	rows: Map<number, Stored>,
	until: number,
) {
	return patterns.flatMap(({ id }) => {
		const row = rows.get(id);
		const should = want.get(id);
		const complete =
			row !== undefined &&
			should !== undefined &&
			row.sessions === should.count &&
			row.distinct_starts === should.count &&
			(row.starts_sum ?? 0) === should.sum &&
			row.materialized_until === until &&
			row.next_slot_at === should.next;
		return complete ? [] : [{ id, row, should }];
	});
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("scheduled: materialization at scale", () => {
	it("materializes 10,000 patterns × 3 months in one invocation, exactly", {
		timeout: 300_000,
	}, async () => {
		const patterns = await seedPatterns("Scale", 10_000);
		expect(patterns).toHaveLength(10_000);
		const now = Date.now();
		const until = horizonEnd(now, horizonMonths(env));
		const want = expected(patterns, until);
		const total = [...want.values()].reduce((sum, pattern) => sum + pattern.count, 0);
		expect(total).toBeGreaterThan(120_000);

		const usage = emptyUsage();
		const statements: RecordedStatement[] = [];
		const feedBefore = await env.DB.prepare(
			"SELECT coalesce(max(seq), 0) AS seq FROM changes",
		).first<{ seq: number }>();
		const started = Date.now();
		const reports = await runCron({
			at: now,
			env: { ...env, DB: meteredD1(recordingD1(env.DB, statements), usage) },
		});
		const wallMs = Date.now() - started;
		const [report] = reports.filter((entry) => entry.event === "materialize");

		expect(report).toMatchObject({ complete: true, occurrences_created: total });
		// D1 allows 50 queries per invocation on Workers Free (1,000 on Paid); a batch is one.
		expect(usage.queries).toBeLessThanOrEqual(50);
		expect(mismatches(patterns, want, await stored(patterns), until)).toEqual([]);
		// The change feed reports each created session once, in the same batches.
		const feed = await env.DB.prepare(
			"SELECT count(*) AS n, count(DISTINCT resource_id) AS ids, min(op) AS op, max(op) AS lastOp FROM changes WHERE seq > ?",
		)
			.bind(feedBefore?.seq ?? 0)
			.first<{ n: number; ids: number; op: string; lastOp: string }>();
		expect(feed).toEqual({ n: total, ids: total, op: "created", lastOp: "created" });
		// Bounded work per round trip: every bound value well under D1's limits.
		const largest = Math.max(
			...statements.flatMap((entry) => entry.params.map((value) => String(value).length)),
		);
		expect(largest).toBeLessThan(200_000);
		for (const entry of statements) expect(entry.params.length).toBeLessThan(100);
		console.info(
			JSON.stringify({
				cron_at_scale: {
					patterns: patterns.length,
					sessions: total,
					wall_ms: wallMs,
					d1_ms: Math.round(usage.durationMs),
					outside_d1_ms: Math.round(wallMs - usage.durationMs),
					round_trips: usage.queries,
					statements: statements.length,
					rows_read: usage.rowsRead,
					rows_written: usage.rowsWritten,
					largest_bound_value_chars: largest,
					batches: report?.batches,
				},
			}),
		);
	});

	it("resumes a run cut short where it stopped: no gaps, no duplicates", {
		timeout: 120_000,
	}, async () => {
		const patterns = await seedPatterns("Resume", 3_000);
		const now = Date.now();
		const until = horizonEnd(now, 3);
		const want = expected(patterns, until);
		const db = createDb(env.DB);
		const pageSize = 700;
		// A zero time budget stops every run after its first page.
		for (let run = 1; run <= 3; run++) {
			const report = await materializeDuePatterns(db, {
				now,
				months: 3,
				pageSize,
				timeBudgetMs: 0,
			});
			expect(report).toMatchObject({ batches: 1, patterns_scanned: pageSize, complete: false });
			// Each pattern is either entirely materialized with its mark moved, or untouched.
			const rows = await stored(patterns);
			const done = patterns.filter(({ id }) => rows.get(id)?.materialized_until === until);
			const untouched = patterns.filter(({ id }) => {
				const row = rows.get(id);
				return row?.sessions === 0 && row.materialized_until === 0;
			});
			expect(done).toHaveLength(run * pageSize);
			expect(untouched).toHaveLength(patterns.length - run * pageSize);
			expect(mismatches(done, want, rows, until)).toEqual([]);
		}
		// Two runs at once finish the rest; slots are unique, so they cannot both insert one.
		const [left, right] = await Promise.all([
			materializeDuePatterns(db, { now, months: 3, pageSize }),
			materializeDuePatterns(db, { now, months: 3, pageSize }),
		]);
		expect(left.complete && right.complete).toBe(true);
		expect(mismatches(patterns, want, await stored(patterns), until)).toEqual([]);
		const again = await materializeDuePatterns(db, { now, months: 3 });
		expect(again).toMatchObject({ patterns_scanned: 0, occurrences_created: 0, complete: true });
	});
});
