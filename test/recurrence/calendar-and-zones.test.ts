import { describe, expect, it } from "vitest";
import {
	addDays,
	horizonEnd,
	isRealDate,
	isRealTime,
	isValidTimeZone,
	localDateOf,
	normalizeTime,
	WEEKDAY_NAMES,
	zonedIso,
} from "../../src/recurrence";

const at = (iso: string) => Date.parse(iso);

describe("horizonEnd", () => {
	it("ends at 00:00Z the day after today + N months", () => {
		expect(horizonEnd(at("2026-03-01T00:00:00Z"), 3)).toBe(at("2026-06-02T00:00:00Z"));
		expect(horizonEnd(at("2026-03-01T23:59:59.999Z"), 3)).toBe(at("2026-06-02T00:00:00Z"));
	});

	it("clamps to the end of a shorter month before adding the day", () => {
		expect(horizonEnd(at("2026-01-31T15:00:00Z"), 1)).toBe(at("2026-03-01T00:00:00Z"));
		expect(horizonEnd(at("2024-02-29T08:00:00Z"), 12)).toBe(at("2025-03-01T00:00:00Z"));
	});

	it("crosses the year end", () => {
		expect(horizonEnd(at("2026-11-15T10:00:00Z"), 3)).toBe(at("2027-02-16T00:00:00Z"));
	});
});

describe("isValidTimeZone", () => {
	it.each([
		"Europe/Paris",
		"UTC",
		"America/Argentina/Buenos_Aires",
		"America/Port-au-Prince",
		"Etc/GMT+5",
		"Australia/Lord_Howe",
	])("accepts %s", (name) => {
		expect(isValidTimeZone(name)).toBe(true);
	});

	it.each([
		"Mars/Base",
		"",
		"+05:00",
		"Europe/Paris ",
		"2026-01-01T00:00[Europe/Paris]",
		"Europe/../Paris",
	])("rejects %j", (name) => {
		expect(isValidTimeZone(name)).toBe(false);
	});

	it("returns false instead of throwing for a value that is not a string", () => {
		expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
		expect(isValidTimeZone(42 as unknown as string)).toBe(false);
	});
});

describe("zonedIso", () => {
	it("shows the local time with the zone's offset at that instant", () => {
		expect(zonedIso(at("2026-03-08T07:30:00Z"), "America/New_York")).toBe(
			"2026-03-08T03:30:00-04:00",
		);
		expect(zonedIso(at("2026-01-15T12:00:00Z"), "Asia/Kolkata")).toBe("2026-01-15T17:30:00+05:30");
		expect(zonedIso(at("2026-01-15T12:00:00Z"), "Pacific/Chatham")).toBe(
			"2026-01-16T01:45:00+13:45",
		);
	});

	it("writes UTC as +00:00 and always shows seconds, without fractions", () => {
		expect(zonedIso(at("2026-01-01T00:00:00Z"), "UTC")).toBe("2026-01-01T00:00:00+00:00");
		expect(zonedIso(at("2026-01-01T10:20:30.999Z"), "UTC")).toBe("2026-01-01T10:20:30+00:00");
	});
});

describe("localDateOf", () => {
	it("returns the calendar date in the zone, which may differ from the UTC date", () => {
		expect(localDateOf(at("2026-03-08T03:00:00Z"), "America/New_York")).toBe("2026-03-07");
		expect(localDateOf(at("2026-03-08T03:00:00Z"), "Asia/Tokyo")).toBe("2026-03-08");
	});
});

describe("addDays", () => {
	it("does plain calendar arithmetic", () => {
		expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
		expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
		expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
		expect(addDays("2026-03-07", 2)).toBe("2026-03-09");
	});
});

describe("isRealDate", () => {
	it.each(["2024-02-29", "2000-02-29", "2026-12-31", "2026-01-01"])("accepts %s", (date) => {
		expect(isRealDate(date)).toBe(true);
	});

	it.each([
		"2023-02-29",
		"1900-02-29",
		"2026-04-31",
		"2026-13-01",
		"2026-00-10",
		"2026-01-00",
		"2026-1-1",
		"2026-01-01T00:00",
		"",
	])("rejects %j", (date) => {
		expect(isRealDate(date)).toBe(false);
	});
});

describe("isRealTime", () => {
	it.each(["00:00", "14:00", "23:59", "00:00:00", "23:59:59"])("accepts %s", (time) => {
		expect(isRealTime(time)).toBe(true);
	});

	it.each(["24:00", "12:60", "12:00:60", "1:00", "12:00:0", "12:00:00.5", "", "noon"])(
		"rejects %j",
		(time) => {
			expect(isRealTime(time)).toBe(false);
		},
	);
});

describe("normalizeTime", () => {
	it("adds seconds to HH:MM and leaves HH:MM:SS alone", () => {
		expect(normalizeTime("14:00")).toBe("14:00:00");
		expect(normalizeTime("09:05:07")).toBe("09:05:07");
	});
});

describe("WEEKDAY_NAMES", () => {
	it("lists Monday (0) to Sunday (6)", () => {
		expect(WEEKDAY_NAMES).toEqual([
			"Monday",
			"Tuesday",
			"Wednesday",
			"Thursday",
			"Friday",
			"Saturday",
			"Sunday",
		]);
	});
});
