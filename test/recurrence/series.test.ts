// How a weekly series is numbered and bounded: indices from startDate, interval weeks counted from
// startDate's ISO week, count and endDate, and the look-ahead used by materialization.
import { describe, expect, it } from "vitest";
import {
	expandSlots,
	firstSlotAtOrAfter,
	materializationPlan,
	type Slot,
	type WeeklyRule,
} from "../../src/recurrence";

const at = (iso: string) => Date.parse(iso);
const ALL_TIME = { from: at("2000-01-01T00:00:00Z"), until: at("2100-01-01T00:00:00Z") };

function weeklyRule(overrides: Partial<WeeklyRule>): WeeklyRule {
	return {
		weekdays: [0, 2, 4],
		interval: 1,
		time: "09:00:00",
		timezone: "UTC",
		// A Wednesday.
		startDate: "2026-01-07",
		endDate: null,
		count: null,
		...overrides,
	};
}

const asIso = (slots: Slot[]) => slots.map((s) => [new Date(s.start).toISOString(), s.index]);

describe("expandSlots", () => {
	it("numbers slots from startDate, skipping chosen weekdays before it in the first week", () => {
		const slots = expandSlots(weeklyRule({ count: 3 }), ALL_TIME);
		expect(asIso(slots)).toEqual([
			["2026-01-07T09:00:00.000Z", 0],
			["2026-01-09T09:00:00.000Z", 1],
			["2026-01-12T09:00:00.000Z", 2],
		]);
	});

	it("counts every-2-weeks from the ISO week holding startDate and accepts unsorted weekdays", () => {
		const rule = weeklyRule({ weekdays: [2, 0], interval: 2, count: 4 });
		expect(asIso(expandSlots(rule, ALL_TIME))).toEqual([
			["2026-01-07T09:00:00.000Z", 0],
			["2026-01-19T09:00:00.000Z", 1],
			["2026-01-21T09:00:00.000Z", 2],
			["2026-02-02T09:00:00.000Z", 3],
		]);
	});

	it("applies count to the whole series, not to the window", () => {
		const rule = weeklyRule({ count: 5 });
		const window = { from: at("2026-01-13T00:00:00Z"), until: at("2026-12-31T00:00:00Z") };
		expect(asIso(expandSlots(rule, window))).toEqual([
			["2026-01-14T09:00:00.000Z", 3],
			["2026-01-16T09:00:00.000Z", 4],
		]);
	});

	it("includes endDate itself", () => {
		const rule = weeklyRule({ endDate: "2026-01-12" });
		expect(expandSlots(rule, ALL_TIME).map((s) => s.index)).toEqual([0, 1, 2]);
	});

	it("reads endDate and startDate as local dates in the rule's zone", () => {
		// 23:30 on Monday 2026-01-12 in Los Angeles is already Tuesday in UTC.
		const rule = weeklyRule({
			weekdays: [0],
			time: "23:30:00",
			timezone: "America/Los_Angeles",
			startDate: "2026-01-12",
			endDate: "2026-01-12",
		});
		expect(asIso(expandSlots(rule, ALL_TIME))).toEqual([["2026-01-13T07:30:00.000Z", 0]]);
	});

	it("includes a slot at `from` and excludes one at `until`", () => {
		const window = { from: at("2026-01-07T09:00:00Z"), until: at("2026-01-09T09:00:00Z") };
		expect(asIso(expandSlots(weeklyRule({}), window))).toEqual([["2026-01-07T09:00:00.000Z", 0]]);
	});

	it("never returns two slots at one instant when the zone skips a whole day", () => {
		// Samoa skipped 2011-12-30; its 10:00 is pushed 24 hours onto Saturday's 10:00.
		const rule = weeklyRule({
			weekdays: [3, 4, 5, 6],
			time: "10:00:00",
			timezone: "Pacific/Apia",
			startDate: "2011-12-29",
			endDate: "2012-01-01",
		});
		const starts = expandSlots(rule, ALL_TIME).map((s) => s.start);
		expect(new Set(starts).size).toBe(starts.length);
		expect(starts).toEqual([...starts].sort((a, b) => a - b));
	});

	it.each<[string, Partial<WeeklyRule>]>([
		["no weekday", { weekdays: [] }],
		["only weekdays outside 0–6", { weekdays: [7, -1] }],
		["interval 0", { interval: 0 }],
		["a fractional interval", { interval: 1.5 }],
		["an unreal startDate", { startDate: "2026-02-30" }],
		["an unreal time", { time: "25:00:00" }],
		["count 0", { count: 0 }],
		["endDate before startDate", { endDate: "2026-01-01" }],
	])("returns nothing, without looping, for a rule with %s", (_, overrides) => {
		expect(expandSlots(weeklyRule(overrides), ALL_TIME)).toEqual([]);
		expect(firstSlotAtOrAfter(weeklyRule(overrides), ALL_TIME.from)).toBeNull();
		expect(materializationPlan(weeklyRule(overrides), ALL_TIME)).toEqual({
			slots: [],
			nextSlotAt: null,
		});
	});

	it("returns nothing for an empty or reversed window", () => {
		const instant = at("2026-01-07T09:00:00Z");
		expect(expandSlots(weeklyRule({}), { from: instant, until: instant })).toEqual([]);
		expect(expandSlots(weeklyRule({}), { from: instant, until: instant - 1 })).toEqual([]);
		expect(expandSlots(weeklyRule({}), { from: Number.NaN, until: instant })).toEqual([]);
	});
});

describe("firstSlotAtOrAfter", () => {
	it("returns the first slot when asked before startDate", () => {
		expect(firstSlotAtOrAfter(weeklyRule({}), at("2020-01-01T00:00:00Z"))).toEqual({
			start: at("2026-01-07T09:00:00Z"),
			index: 0,
		});
	});

	it("returns a slot that starts exactly at the instant", () => {
		const instant = at("2026-01-09T09:00:00Z");
		expect(firstSlotAtOrAfter(weeklyRule({}), instant)).toEqual({ start: instant, index: 1 });
	});

	it("jumps straight to a slot years after startDate, numbered from startDate", () => {
		const rule = weeklyRule({ weekdays: [2], interval: 3 });
		// Wednesday 2036-01-02 is 521 weeks after 2026-01-07, an off week; 2036-01-09 is 522 = 3 × 174.
		expect(firstSlotAtOrAfter(rule, at("2036-01-01T00:00:00Z"))).toEqual({
			start: at("2036-01-09T09:00:00Z"),
			index: 174,
		});
	});

	it("returns null once the series has ended", () => {
		expect(firstSlotAtOrAfter(weeklyRule({ count: 3 }), at("2026-01-12T09:00:01Z"))).toBeNull();
		expect(
			firstSlotAtOrAfter(weeklyRule({ endDate: "2026-01-10" }), at("2026-01-10T00:00:00Z")),
		).toBeNull();
	});
});

describe("materializationPlan", () => {
	it("returns the slots before `until` and the start of the one at `until` as nextSlotAt", () => {
		const window = { from: at("2026-01-01T00:00:00Z"), until: at("2026-01-12T09:00:00Z") };
		const plan = materializationPlan(weeklyRule({}), window);
		expect(plan.slots.map((s) => s.index)).toEqual([0, 1]);
		expect(plan.nextSlotAt).toBe(at("2026-01-12T09:00:00Z"));
	});

	it("reports no next slot when the series ends inside the window", () => {
		const plan = materializationPlan(weeklyRule({ count: 2 }), ALL_TIME);
		expect(plan).toEqual({
			slots: [
				{ start: at("2026-01-07T09:00:00Z"), index: 0 },
				{ start: at("2026-01-09T09:00:00Z"), index: 1 },
			],
			nextSlotAt: null,
		});
	});

	it("still reports the next slot for an empty window", () => {
		const instant = at("2026-01-08T00:00:00Z");
		expect(materializationPlan(weeklyRule({}), { from: instant, until: instant })).toEqual({
			slots: [],
			nextSlotAt: at("2026-01-09T09:00:00Z"),
		});
	});
});
