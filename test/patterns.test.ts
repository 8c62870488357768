import { describe, expect, it, vi } from "vitest";
import { api } from "./support/api";
import { useClock } from "./support/dates";
import { createPattern, sessionsOfPattern, startsOf } from "./support/fixtures";

// Sunday. Horizons: 3 months -> 2026-05-16T00:00Z, 1 month -> 2026-03-16T00:00Z.
useClock("2026-02-15T12:00:00Z");

const yoga = { title: "Morning yoga", weekday: 1, time: "07:30", start_date: "2026-01-06" };

describe("POST /api/patterns", () => {
	it("returns 201 with the pattern, its defaults and the sessions created", async () => {
		const response = await api("POST", "/api/patterns", { body: yoga });
		expect(response.status).toBe(201);
		expect(response.headers.get("Content-Type")).toBe("application/json");
		const { pattern, occurrences_created } = response.body;
		expect(pattern).toMatchObject({
			title: "Morning yoga",
			description: "",
			frequency: "weekly",
			weekday: 1,
			weekday_name: "Tuesday",
			time: "07:30:00",
			timezone: "UTC",
			duration_minutes: 60,
			start_date: "2026-01-06",
			end_date: null,
			is_active: true,
			created_at: "2026-02-15T12:00:00Z",
			updated_at: "2026-02-15T12:00:00Z",
		});
		expect(pattern.id).toEqual(expect.any(Number));
		expect(response.headers.get("Location")).toBe(`/api/patterns/${pattern.id}`);
		// Tuesdays from 2026-01-06 through 2026-05-12: the default 3-month horizon ends 2026-05-16.
		expect(occurrences_created).toBe(19);
	});

	it("generates from start_date, past sessions included, through today + months_ahead", async () => {
		const { pattern, occurrences_created } = await createPattern({
			...yoga,
			timezone: "Europe/Paris",
			months_ahead: 1,
		});
		const sessions = await sessionsOfPattern(pattern.id);
		expect(occurrences_created).toBe(10);
		expect(startsOf(sessions)).toEqual([
			"2026-01-06T06:30:00Z",
			"2026-01-13T06:30:00Z",
			"2026-01-20T06:30:00Z",
			"2026-01-27T06:30:00Z",
			"2026-02-03T06:30:00Z",
			"2026-02-10T06:30:00Z",
			"2026-02-17T06:30:00Z",
			"2026-02-24T06:30:00Z",
			"2026-03-03T06:30:00Z",
			"2026-03-10T06:30:00Z",
		]);
		expect(sessions[0]).toMatchObject({
			title: "Morning yoga",
			description: "",
			pattern_id: pattern.id,
			recurrence_pattern: pattern.id,
			end_datetime: "2026-01-06T07:30:00Z",
			original_start_datetime: "2026-01-06T06:30:00Z",
			duration_minutes: 60,
			status: "scheduled",
			is_exception: false,
			is_one_time: false,
			is_recurring: true,
		});
	});

	it("creates no sessions when generate_occurrences is false", async () => {
		const { pattern, occurrences_created } = await createPattern({
			...yoga,
			generate_occurrences: false,
		});
		expect(occurrences_created).toBe(0);
		expect(await sessionsOfPattern(pattern.id)).toEqual([]);
	});

	it("creates nothing for an inactive pattern", async () => {
		const { pattern, occurrences_created } = await createPattern({ ...yoga, is_active: false });
		expect(pattern.is_active).toBe(false);
		expect(occurrences_created).toBe(0);
	});

	it("never generates past end_date, which is inclusive", async () => {
		const { pattern, occurrences_created } = await createPattern({
			...yoga,
			timezone: "UTC",
			end_date: "2026-02-03",
		});
		expect(occurrences_created).toBe(5);
		expect(startsOf(await sessionsOfPattern(pattern.id)).at(-1)).toBe("2026-02-03T07:30:00Z");
	});

	it("keeps seconds given in time and takes every field it documents", async () => {
		const { pattern } = await createPattern({
			title: "Evening run",
			description: "Meet at the gate.",
			weekday: 6,
			time: "18:45:15",
			timezone: "Asia/Tokyo",
			duration_minutes: 1440,
			start_date: "2026-03-01",
			end_date: "2026-03-29",
			generate_occurrences: false,
		});
		expect(pattern).toMatchObject({
			title: "Evening run",
			description: "Meet at the gate.",
			weekday: 6,
			weekday_name: "Sunday",
			time: "18:45:15",
			timezone: "Asia/Tokyo",
			duration_minutes: 1440,
			start_date: "2026-03-01",
			end_date: "2026-03-29",
		});
	});

	it("accepts a one-digit hour and a lower-case zone, as the old service did", async () => {
		const { pattern } = await createPattern({ ...yoga, time: "7:05", timezone: "europe/paris" });
		expect(pattern.time).toBe("07:05:00");
		expect(pattern.timezone).toBe("Europe/Paris");
	});

	it("names every weekday, 0 = Monday through 6 = Sunday", async () => {
		const names = [];
		for (const weekday of [0, 1, 2, 3, 4, 5, 6]) {
			const { pattern } = await createPattern({ ...yoga, weekday, generate_occurrences: false });
			names.push(pattern.weekday_name);
		}
		expect(names).toEqual([
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

describe("POST /api/patterns, concurrently", () => {
	it("gives each of two patterns created at once its own sessions", async () => {
		const [monday, friday] = await Promise.all([
			createPattern({ ...yoga, weekday: 0, timezone: "UTC", months_ahead: 1 }),
			createPattern({ ...yoga, weekday: 4, timezone: "UTC", months_ahead: 1 }),
		]);
		const mondays = await sessionsOfPattern(monday.pattern.id);
		const fridays = await sessionsOfPattern(friday.pattern.id);
		// From 2026-01-06 through 2026-03-15: nine Mondays (from Jan 12), ten Fridays (from Jan 9).
		expect([monday.occurrences_created, friday.occurrences_created]).toEqual([9, 10]);
		expect([mondays.length, fridays.length]).toEqual([9, 10]);
		expect(mondays[0]?.start_datetime).toBe("2026-01-12T07:30:00Z");
		expect(fridays[0]?.start_datetime).toBe("2026-01-09T07:30:00Z");
	});
});

describe("GET /api/patterns", () => {
	it("lists patterns in id order", async () => {
		const first = await createPattern({ ...yoga, title: "First", generate_occurrences: false });
		const second = await createPattern({ ...yoga, title: "Second", generate_occurrences: false });
		const response = await api("GET", "/api/patterns");
		expect(response.status).toBe(200);
		const ours = response.body.filter((pattern: { id: number }) =>
			[first.pattern.id, second.pattern.id].includes(pattern.id),
		);
		expect(ours).toEqual([first.pattern, second.pattern]);
	});
});

describe("GET /api/patterns/{id}", () => {
	it("returns the pattern as created", async () => {
		const { pattern } = await createPattern({ ...yoga, generate_occurrences: false });
		const response = await api("GET", `/api/patterns/${pattern.id}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual(pattern);
	});
});

describe("PATCH /api/patterns/{id}", () => {
	it.each([
		[{ title: "Power yoga" }, { title: "Power yoga" }],
		[{ description: "Bring a mat." }, { description: "Bring a mat." }],
		[{ time: "18:00" }, { time: "18:00:00" }],
		[{ time: "18:00:30" }, { time: "18:00:30" }],
		[{ timezone: "America/New_York" }, { timezone: "America/New_York" }],
		[{ weekday: 4 }, { weekday: 4, weekday_name: "Friday", weekdays: [4] }],
		[{ duration_minutes: 90 }, { duration_minutes: 90 }],
		[{ end_date: "2026-12-31" }, { end_date: "2026-12-31" }],
		[{ is_active: false }, { is_active: false }],
	])("updates %j", async (change, expected) => {
		const { pattern } = await createPattern({ ...yoga, generate_occurrences: false });
		vi.setSystemTime(new Date("2026-02-16T08:00:00Z"));
		const response = await api("PATCH", `/api/patterns/${pattern.id}`, { body: change });
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			...pattern,
			...expected,
			updated_at: "2026-02-16T08:00:00Z",
		});
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body).toEqual(response.body);
	});

	it("clears end_date with null", async () => {
		const { pattern } = await createPattern({ ...yoga, end_date: "2026-03-31" });
		const response = await api("PATCH", `/api/patterns/${pattern.id}`, {
			body: { end_date: null },
		});
		expect(response.status).toBe(200);
		expect(response.body.end_date).toBeNull();
	});

	it("changes several fields at once and leaves the others alone", async () => {
		const { pattern } = await createPattern({ ...yoga, generate_occurrences: false });
		const response = await api("PATCH", `/api/patterns/${pattern.id}`, {
			body: { title: "Late yoga", time: "21:15", duration_minutes: 45 },
		});
		expect(response.body).toEqual({
			...pattern,
			title: "Late yoga",
			time: "21:15:00",
			duration_minutes: 45,
		});
	});
});
