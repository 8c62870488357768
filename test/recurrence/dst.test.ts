// Concrete daylight-saving cases, each checked against the UTC instant worked out by hand.
// Rule: keep local wall-clock time; a skipped time moves forward by the gap, a repeated time takes
// the earlier instant (RFC 5545 §3.3.5, Temporal "compatible").
import { describe, expect, it, vi } from "vitest";
import { expandSlots, type WeeklyRule, zonedIso } from "../../src/recurrence";

const ALL_TIME = {
	from: Date.parse("2000-01-01T00:00:00Z"),
	until: Date.parse("2100-01-01T00:00:00Z"),
};

function weeklyRule(overrides: Partial<WeeklyRule>): WeeklyRule {
	return {
		weekdays: [6],
		interval: 1,
		time: "00:00:00",
		timezone: "UTC",
		startDate: "2026-01-01",
		endDate: null,
		count: null,
		...overrides,
	};
}

/** The slot of a one-day series on a Sunday `date` at `time`, as a UTC ISO string and a zoned one. */
function sundaySlot(timezone: string, date: string, time: string) {
	const slots = expandSlots(
		weeklyRule({ timezone, time, startDate: date, endDate: date }),
		ALL_TIME,
	);
	expect(slots).toHaveLength(1);
	const start = slots[0]?.start ?? Number.NaN;
	return { utc: new Date(start).toISOString(), local: zonedIso(start, timezone) };
}

describe("America/New_York", () => {
	it("moves 02:30 on 2026-03-08 (02:00 EST -> 03:00 EDT) forward to 03:30 EDT", () => {
		expect(sundaySlot("America/New_York", "2026-03-08", "02:30:00")).toEqual({
			utc: "2026-03-08T07:30:00.000Z",
			local: "2026-03-08T03:30:00-04:00",
		});
	});

	it("keeps times on either side of the spring gap", () => {
		expect(sundaySlot("America/New_York", "2026-03-08", "01:59:59").utc).toBe(
			"2026-03-08T06:59:59.000Z",
		);
		expect(sundaySlot("America/New_York", "2026-03-08", "03:00:00").utc).toBe(
			"2026-03-08T07:00:00.000Z",
		);
	});

	it("takes the earlier (EDT) 01:30 on 2026-11-01, when 01:00–02:00 happens twice", () => {
		expect(sundaySlot("America/New_York", "2026-11-01", "01:30:00")).toEqual({
			utc: "2026-11-01T05:30:00.000Z",
			local: "2026-11-01T01:30:00-04:00",
		});
	});
});

describe("the wall-clock memo", () => {
	it("still takes the earlier 01:30 on 2026-11-01 in New York after a lookup just past the fall-back primes it", async () => {
		// A fresh copy of the module: its memo holds only what this test teaches it.
		vi.resetModules();
		const { offsetAt, wallClockToInstant } = await import("../../src/recurrence/wall-clock");
		const firstEst = Date.parse("2026-11-01T06:00:00Z");
		expect(offsetAt("America/New_York", firstEst)).toBe(-5 * 3_600_000);
		// The EST stretch now starts at 06:00Z, and 01:30 EST (06:30Z) lies inside it; but so does
		// 01:30 EDT (05:30Z), the earlier one, which RFC 5545 asks for.
		const wall = Date.parse("2026-11-01T01:30:00Z");
		expect(new Date(wallClockToInstant("America/New_York", wall)).toISOString()).toBe(
			"2026-11-01T05:30:00.000Z",
		);
	});
});

describe("Europe/London", () => {
	it("moves 01:30 on 2026-03-29 (01:00 GMT -> 02:00 BST) forward to 02:30 BST", () => {
		expect(sundaySlot("Europe/London", "2026-03-29", "01:30:00")).toEqual({
			utc: "2026-03-29T01:30:00.000Z",
			local: "2026-03-29T02:30:00+01:00",
		});
	});

	it("takes the earlier (BST) 01:30 on 2026-10-25", () => {
		expect(sundaySlot("Europe/London", "2026-10-25", "01:30:00")).toEqual({
			utc: "2026-10-25T00:30:00.000Z",
			local: "2026-10-25T01:30:00+01:00",
		});
	});
});

describe("Australia/Lord_Howe (30-minute DST shift)", () => {
	it("takes the earlier (+11:00) 01:45 on 2026-04-05, when 01:30–02:00 happens twice", () => {
		expect(sundaySlot("Australia/Lord_Howe", "2026-04-05", "01:45:00")).toEqual({
			utc: "2026-04-04T14:45:00.000Z",
			local: "2026-04-05T01:45:00+11:00",
		});
	});

	it("moves 02:15 on 2026-10-04 (02:00 -> 02:30) forward by 30 minutes to 02:45", () => {
		expect(sundaySlot("Australia/Lord_Howe", "2026-10-04", "02:15:00")).toEqual({
			utc: "2026-10-03T15:45:00.000Z",
			local: "2026-10-04T02:45:00+11:00",
		});
	});
});

describe("a weekly series across a DST change", () => {
	it("keeps Tuesday 14:00 in Europe/Paris while the UTC start moves an hour earlier", () => {
		const rule = weeklyRule({
			weekdays: [1],
			time: "14:00:00",
			timezone: "Europe/Paris",
			startDate: "2026-03-17",
			count: 4,
		});
		const slots = expandSlots(rule, ALL_TIME);
		expect(slots.map((s) => new Date(s.start).toISOString())).toEqual([
			"2026-03-17T13:00:00.000Z",
			"2026-03-24T13:00:00.000Z",
			"2026-03-31T12:00:00.000Z",
			"2026-04-07T12:00:00.000Z",
		]);
		expect(slots.map((s) => zonedIso(s.start, "Europe/Paris"))).toEqual([
			"2026-03-17T14:00:00+01:00",
			"2026-03-24T14:00:00+01:00",
			"2026-03-31T14:00:00+02:00",
			"2026-04-07T14:00:00+02:00",
		]);
		expect(slots.map((s) => s.index)).toEqual([0, 1, 2, 3]);
	});

	it("shifts only the Sunday that falls in New York's gap, then settles on EDT", () => {
		const rule = weeklyRule({
			time: "02:30:00",
			timezone: "America/New_York",
			startDate: "2026-03-01",
			count: 3,
		});
		expect(expandSlots(rule, ALL_TIME).map((s) => zonedIso(s.start, "America/New_York"))).toEqual([
			"2026-03-01T02:30:00-05:00",
			"2026-03-08T03:30:00-04:00",
			"2026-03-15T02:30:00-04:00",
		]);
	});

	it("keeps Sunday 01:30 in New York on the earlier instant through the autumn overlap", () => {
		const rule = weeklyRule({
			time: "01:30:00",
			timezone: "America/New_York",
			startDate: "2026-10-25",
			count: 3,
		});
		expect(expandSlots(rule, ALL_TIME).map((s) => new Date(s.start).toISOString())).toEqual([
			"2026-10-25T05:30:00.000Z",
			"2026-11-01T05:30:00.000Z",
			"2026-11-08T06:30:00.000Z",
		]);
	});
});
