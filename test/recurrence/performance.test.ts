// The cron job expands every active pattern over a 3-month horizon in one Worker invocation, so
// 10,000 patterns (about 130,000 slots) must stay far below the CPU limit. The workload spreads the
// patterns over every IANA zone, so each zone's first (uncached) conversions are part of the bill.
import { describe, expect, it } from "vitest";
import { horizonEnd, materializationPlan, type WeeklyRule } from "../../src/recurrence";

const pad = (n: number) => String(n).padStart(2, "0");

function cronWorkload(): WeeklyRule[] {
	const zones = Intl.supportedValuesOf("timeZone");
	return Array.from({ length: 10_000 }, (_, i) => ({
		weekdays: [(i * 3) % 7],
		interval: 1,
		time: `${pad(i % 24)}:${pad((i * 7) % 60)}:00`,
		timezone: zones[i % zones.length] as string,
		startDate: "2025-06-02",
		endDate: null,
		count: null,
	}));
}

describe("materializationPlan performance", () => {
	it("plans 10,000 weekly patterns × 3 months in every zone well inside the 3 s budget", () => {
		const rules = cronWorkload();
		const now = Date.parse("2026-03-01T12:00:00Z");
		const window = { from: now, until: horizonEnd(now, 3) };
		const started = performance.now();
		let slots = 0;
		for (const rule of rules) slots += materializationPlan(rule, window).slots.length;
		const elapsed = performance.now() - started;
		expect(slots).toBeGreaterThan(130_000);
		expect(elapsed).toBeLessThan(1500);
	});
});
