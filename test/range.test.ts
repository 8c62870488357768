import { describe, expect, it } from "vitest";
import { api } from "./support/api";
import { useClock } from "./support/dates";
import { createOneTime, createPattern, listRange, startsOf } from "./support/fixtures";

// Before the April 2031 pattern below, so its sessions are inside the horizon.
useClock("2031-03-15T12:00:00Z");

// Each test works in its own day, so the sessions of the others never fall into its window.
const ids = (sessions: { id: number }[]) => sessions.map((session) => session.id);
const at = (start_datetime: string, duration_minutes = 30) =>
	createOneTime({ start_datetime, duration_minutes });

describe("GET /api/occurrences?start=…&end=…", () => {
	it("returns every session overlapping [start, end), and only those", async () => {
		const dayLongEndsAtStart = await at("2031-01-09T10:00:00Z", 1440);
		const dayLongEndsInside = await at("2031-01-09T10:01:00Z", 1440);
		const spansWindow = await at("2031-01-10T08:00:00Z", 1440);
		const endsAtStart = await at("2031-01-10T09:00:00Z", 60);
		const endsInside = await at("2031-01-10T09:00:00Z", 90);
		const inside = await at("2031-01-10T11:00:00Z");
		const lastMinute = await at("2031-01-10T11:59:00Z");
		const startsAtEnd = await at("2031-01-10T12:00:00Z");
		const sessions = await listRange("2031-01-10T10:00:00Z", "2031-01-10T12:00:00Z");
		expect(ids(sessions)).toEqual(
			ids([dayLongEndsInside, spansWindow, endsInside, inside, lastMinute]),
		);
		for (const outside of [dayLongEndsAtStart, endsAtStart, startsAtEnd]) {
			expect(ids(sessions)).not.toContain(outside.id);
		}
	});

	it("orders by start_datetime, then id", async () => {
		const late = await at("2031-02-10T12:00:00Z");
		const first = await at("2031-02-10T09:00:00Z");
		const second = await at("2031-02-10T09:00:00Z");
		const early = await at("2031-02-10T08:00:00Z");
		const sessions = await listRange("2031-02-10T00:00:00Z", "2031-02-11T00:00:00Z");
		expect(ids(sessions)).toEqual(ids([early, first, second, late]));
	});

	it("accepts bounds with any offset", async () => {
		const session = await at("2031-03-10T10:00:00Z");
		const sessions = await listRange("2031-03-10T10:00:00+01:00", "2031-03-10T05:01:00-05:00");
		expect(ids(sessions)).toEqual([session.id]);
	});

	it("returns pattern-born and one-time sessions together", async () => {
		const { pattern } = await createPattern({
			title: "Choir",
			weekday: 0,
			time: "19:00",
			timezone: "UTC",
			start_date: "2031-04-07",
			end_date: "2031-04-21",
		});
		const oneTime = await at("2031-04-15T12:00:00Z");
		const sessions = await listRange("2031-04-01T00:00:00Z", "2031-05-01T00:00:00Z");
		expect(startsOf(sessions)).toEqual([
			"2031-04-07T19:00:00Z",
			"2031-04-14T19:00:00Z",
			"2031-04-15T12:00:00Z",
			"2031-04-21T19:00:00Z",
		]);
		expect(sessions.map((session) => session.pattern_id)).toEqual([
			pattern.id,
			pattern.id,
			null,
			pattern.id,
		]);
		expect(sessions[2]?.id).toBe(oneTime.id);
	});

	it("returns an empty array for a window with nothing in it", async () => {
		expect(await listRange("1999-01-01T00:00:00Z", "1999-01-02T00:00:00Z")).toEqual([]);
	});
});

describe("GET /api/occurrences?status=…", () => {
	/** One session of each status on `day`, at 09:00, 10:00 and 11:00 UTC. */
	async function oneOfEachStatus(day: string) {
		const scheduled = await at(`${day}T09:00:00Z`);
		const cancelled = await at(`${day}T10:00:00Z`);
		const completed = await at(`${day}T11:00:00Z`);
		await api("DELETE", `/api/occurrences/${cancelled.id}`);
		await api("POST", `/api/occurrences/${completed.id}/complete`);
		return { scheduled, cancelled, completed };
	}
	const wholeDay = (day: string, status?: string) =>
		listRange(`${day}T00:00:00Z`, `${day}T23:59:59Z`, status);

	it("returns cancelled sessions, with their status, unless filtered", async () => {
		const { scheduled, cancelled, completed } = await oneOfEachStatus("2031-05-10");
		const sessions = await wholeDay("2031-05-10");
		expect(sessions.map((session) => [session.id, session.status])).toEqual([
			[scheduled.id, "scheduled"],
			[cancelled.id, "cancelled"],
			[completed.id, "completed"],
		]);
	});

	it.each([
		["2031-05-11", "scheduled", ["scheduled"]],
		["2031-05-12", "cancelled", ["cancelled"]],
		["2031-05-13", "completed", ["completed"]],
		["2031-05-14", "scheduled,completed", ["scheduled", "completed"]],
	] as const)("on %s keeps only %s sessions", async (day, filter, statuses) => {
		const created = await oneOfEachStatus(day);
		const sessions = await wholeDay(day, filter);
		expect(ids(sessions)).toEqual(statuses.map((status) => created[status].id));
	});
});
