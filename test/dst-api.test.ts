import { describe, expect, it } from "vitest";
import { useClock } from "./support/dates";
import { createPattern, sessionsOfPattern, startsOf } from "./support/fixtures";

// Every 2026 session below is inside a 12-month horizon from here.
useClock("2026-02-15T12:00:00Z");

/** Three Sunday sessions in `timezone` at `time`, from `start_date` (a Sunday) on. */
async function threeSundays(timezone: string, time: string, start_date: string) {
	const end = new Date(`${start_date}T00:00:00Z`);
	end.setUTCDate(end.getUTCDate() + 14);
	const { pattern } = await createPattern({
		title: "Sunday session",
		weekday: 6,
		time,
		timezone,
		start_date,
		end_date: end.toISOString().slice(0, 10),
		months_ahead: 12,
	});
	const sessions = await sessionsOfPattern(pattern.id);
	expect(sessions).toHaveLength(3);
	return sessions;
}

const localsOf = (sessions: { start_local: string }[]) =>
	sessions.map((session) => session.start_local);

describe("sessions across daylight-saving changes", () => {
	it.each([
		[
			"America/New_York",
			"2026-03-01",
			["2026-03-01T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-15T13:00:00Z"],
		],
		[
			"America/New_York",
			"2026-10-25",
			["2026-10-25T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-08T14:00:00Z"],
		],
		[
			"Europe/London",
			"2026-03-22",
			["2026-03-22T09:00:00Z", "2026-03-29T08:00:00Z", "2026-04-05T08:00:00Z"],
		],
		[
			"Europe/London",
			"2026-10-18",
			["2026-10-18T08:00:00Z", "2026-10-25T09:00:00Z", "2026-11-01T09:00:00Z"],
		],
		[
			"Australia/Lord_Howe",
			"2026-03-29",
			["2026-03-28T22:00:00Z", "2026-04-04T22:30:00Z", "2026-04-11T22:30:00Z"],
		],
		[
			"Australia/Lord_Howe",
			"2026-09-27",
			["2026-09-26T22:30:00Z", "2026-10-03T22:00:00Z", "2026-10-10T22:00:00Z"],
		],
	])("keep 09:00 local in %s from %s while the UTC instant moves", async (zone, start, utc) => {
		const sessions = await threeSundays(zone, "09:00", start);
		expect(startsOf(sessions)).toEqual(utc);
		expect(localsOf(sessions).map((local) => local.slice(10, 19))).toEqual([
			"T09:00:00",
			"T09:00:00",
			"T09:00:00",
		]);
	});
});

describe("a local time inside the spring-forward gap", () => {
	it.each([
		// 02:00 jumps to 03:00 on 2026-03-08: 02:30 is shifted forward by the hour.
		[
			"America/New_York",
			"02:30",
			"2026-03-01",
			["2026-03-01T07:30:00Z", "2026-03-08T07:30:00Z", "2026-03-15T06:30:00Z"],
			"2026-03-08T03:30:00-04:00",
		],
		// 01:00 jumps to 02:00 on 2026-03-29.
		[
			"Europe/London",
			"01:30",
			"2026-03-22",
			["2026-03-22T01:30:00Z", "2026-03-29T01:30:00Z", "2026-04-05T00:30:00Z"],
			"2026-03-29T02:30:00+01:00",
		],
		// 02:00 jumps to 02:30 on 2026-10-04: a half-hour gap.
		[
			"Australia/Lord_Howe",
			"02:15",
			"2026-09-27",
			["2026-09-26T15:45:00Z", "2026-10-03T15:45:00Z", "2026-10-10T15:15:00Z"],
			"2026-10-04T02:45:00+11:00",
		],
	])("is shifted forward by the gap in %s (%s)", async (zone, time, start, utc, gapLocal) => {
		const sessions = await threeSundays(zone, time, start);
		expect(startsOf(sessions)).toEqual(utc);
		expect(sessions[1]?.start_local).toBe(gapLocal);
		expect(sessions[1]?.original_start_datetime).toBe(utc[1]);
	});
});

describe("a local time inside the autumn overlap", () => {
	it.each([
		// 02:00 falls back to 01:00 on 2026-11-01: 01:30 happens at 05:30Z and at 06:30Z.
		[
			"America/New_York",
			"01:30",
			"2026-10-25",
			["2026-10-25T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-08T06:30:00Z"],
			"2026-11-01T01:30:00-04:00",
		],
		// 02:00 falls back to 01:00 on 2026-10-25.
		[
			"Europe/London",
			"01:30",
			"2026-10-18",
			["2026-10-18T00:30:00Z", "2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"],
			"2026-10-25T01:30:00+01:00",
		],
		// 02:00 falls back to 01:30 on 2026-04-05: 01:45 happens at 14:45Z and at 15:15Z.
		[
			"Australia/Lord_Howe",
			"01:45",
			"2026-03-29",
			["2026-03-28T14:45:00Z", "2026-04-04T14:45:00Z", "2026-04-11T15:15:00Z"],
			"2026-04-05T01:45:00+11:00",
		],
	])("takes the earlier instant in %s (%s)", async (zone, time, start, utc, overlapLocal) => {
		const sessions = await threeSundays(zone, time, start);
		expect(startsOf(sessions)).toEqual(utc);
		expect(sessions[1]?.start_local).toBe(overlapLocal);
	});

	it("ends duration_minutes of real time after the start", async () => {
		const [, overlapDay] = await threeSundays("Europe/London", "01:30", "2026-10-18");
		expect(overlapDay).toMatchObject({
			start_datetime: "2026-10-25T00:30:00Z",
			end_datetime: "2026-10-25T01:30:00Z",
			duration_minutes: 60,
		});
	});
});
