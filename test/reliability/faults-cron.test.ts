// Fault injection into the Cron Trigger: more patterns than one page holds, and every round trip
// of a run failed in turn. A run that dies leaves each pattern fully materialized or untouched;
// the next run fills everything, with no gap and no duplicate.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { horizonEnd } from "../../src/recurrence";
import { api } from "../support/api";
import { todayPlus } from "../support/dates";
import { type FaultPlan, scheduledWithFaults } from "../support/faulty-d1";
import { calendarViolations } from "../support/invariants";

// Each test here makes 401 patterns and a dozen cron runs. With every suite running at once
// on 2 cores, that can take longer than vitest's 5 s default.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// One more than a page of CRON_PAGE_SIZE=400: two pages, two batches.
const PATTERNS = 401;
const SMALL_PAGES = { CRON_PAGE_SIZE: "400" };
const WEEK_MS = 7 * 86_400_000;
const HORIZON_MONTHS = Number(env.HORIZON_MONTHS);

let errors: ReturnType<typeof vi.spyOn>;
beforeAll(async () => {
	errors = vi.spyOn(console, "error").mockImplementation(() => {});
	// One report line per run; the assertions read the database instead.
	vi.spyOn(console, "log").mockImplementation(() => {});
	for (let first = 0; first < PATTERNS; first += 50) {
		await Promise.all(
			Array.from({ length: Math.min(50, PATTERNS - first) }, (_, i) =>
				api("POST", "/api/patterns", {
					body: {
						title: `Cron fault ${first + i}`,
						weekdays: [(first + i) % 7, (first + i + 3) % 7],
						time: `${String(6 + ((first + i) % 12)).padStart(2, "0")}:30`,
						timezone: ["Europe/Paris", "America/New_York", "Asia/Kolkata"][(first + i) % 3],
						start_date: todayPlus(1),
						generate_occurrences: false,
					},
				}),
			),
		);
	}
});
afterAll(() => {
	vi.restoreAllMocks();
});

async function sessionCount() {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM occurrences").first<{ n: number }>();
	return row?.n ?? 0;
}

describe("Cron Trigger under D1 faults", () => {
	it("dies at any round trip without damage, and the next run completes", async () => {
		let scheduledTime = Date.now();
		const clean = await scheduledWithFaults({}, scheduledTime, SMALL_PAGES);
		expect(clean.error).toBeUndefined();
		const trips = clean.trips.length;
		// Two pages of materialization, each a read and a batch, and the idempotency-key sweep.
		expect(clean.trips.filter((trip) => trip.kind === "batch")).toHaveLength(2);
		expect(
			await calendarViolations({ horizon: horizonEnd(scheduledTime, HORIZON_MONTHS) }),
		).toEqual([]);

		for (let failAt = 1; failAt <= trips; failAt++) {
			for (const when of ["before", "after"] as const) {
				const label = `fail trip ${failAt} ${when}, then every later one`;
				// A week later: the horizon moves, so every pattern has new slots to materialize.
				scheduledTime += WEEK_MS;
				const before = await sessionCount();
				const failed = await scheduledWithFaults(
					{ failAt, when, times: Number.POSITIVE_INFINITY },
					scheduledTime,
					SMALL_PAGES,
				);
				expect(failed.error, label).toBeDefined();
				// Whatever pages finished are complete; the rest untouched: still consistent.
				expect(await calendarViolations(), label).toEqual([]);
				const next = await scheduledWithFaults({}, scheduledTime, SMALL_PAGES);
				expect(next.error, label).toBeUndefined();
				expect(
					await calendarViolations({ horizon: horizonEnd(scheduledTime, HORIZON_MONTHS) }),
					label,
				).toEqual([]);
				expect(await sessionCount(), label).toBeGreaterThan(before);
			}
		}
		expect(
			errors.mock.calls.some(([line]: unknown[]) => String(line).includes("materialize_failed")),
		).toBe(true);
	});

	it("rides out one transient failure of any round trip within the same run", async () => {
		let scheduledTime = Date.now() + 30 * WEEK_MS;
		await scheduledWithFaults({}, scheduledTime, SMALL_PAGES);
		for (let failAt = 1; failAt <= 4; failAt++) {
			for (const when of ["before", "after"] as const) {
				const plan: FaultPlan = { failAt, when, times: 1 };
				scheduledTime += WEEK_MS;
				const before = await sessionCount();
				const run = await scheduledWithFaults(plan, scheduledTime, SMALL_PAGES);
				expect(run.error, JSON.stringify(plan)).toBeUndefined();
				expect(run.trips.filter((trip) => trip.failed)).toHaveLength(1);
				expect(await sessionCount()).toBeGreaterThan(before);
			}
		}
		expect(
			await calendarViolations({ horizon: horizonEnd(scheduledTime, HORIZON_MONTHS) }),
		).toEqual([]);
	});
});
