import { describe, expect, it, vi } from "vitest";
import { api, present, problemOf } from "./support/api";
import {
	addDays,
	instantOf,
	mondayOf,
	nextTransitionDate,
	todayPlus,
	weekdayOnOrAfter,
} from "./support/dates";
import { createPattern } from "./support/fixtures";
import type { Split } from "./support/types";

/** Every session of one series within a year around today, through the series view. */
async function seriesSessions(id: number | null) {
	const response = await api(
		"GET",
		`/api/patterns/${present(id, "a pattern id")}/occurrences?start=${todayPlus(-60)}T00:00:00Z&end=${todayPlus(300)}T00:00:00Z&limit=2000`,
	);
	expect(response.status).toBe(200);
	return response.body;
}

const split = (id: number, body: unknown, headers: Record<string, string> = {}) =>
	api("POST", `/api/patterns/${id}/split`, { body, headers });

const ids = (sessions: { id: number | null }[]) => sessions.map((session) => session.id);
const starts = (sessions: { start_datetime: string }[]) =>
	sessions.map((session) => session.start_datetime);

/**
 * A Monday/Wednesday 09:00 UTC series that began about three weeks ago, with four of its sessions
 * from `from` on edited, cancelled, completed and moved by hand.
 */
async function seedEditedSeries(overrides: Record<string, unknown> = {}) {
	const { pattern } = await createPattern({
		title: "Pottery",
		weekday: undefined,
		weekdays: [0, 2],
		time: "09:00",
		timezone: "UTC",
		start_date: weekdayOnOrAfter(todayPlus(-20), 0),
		...overrides,
	});
	const from = weekdayOnOrAfter(todayPlus(21), 2);
	const before = await seriesSessions(pattern.id);
	const later = before.filter((session) => session.start_datetime >= `${from}T00:00:00Z`);
	const [edited, cancelled, completed, moved] = later;
	await api("PATCH", `/api/occurrences/${present(edited).id}`, {
		body: { title: "Guest teacher" },
	});
	await api("DELETE", `/api/occurrences/${present(cancelled).id}`);
	await api("POST", `/api/occurrences/${present(completed).id}/complete`);
	await api("PATCH", `/api/occurrences/${present(moved).id}`, {
		body: { start_datetime: `${addDays(from, 1)}T15:00:00Z` },
	});
	const handled = [edited?.id, cancelled?.id, completed?.id, moved?.id];
	return { pattern, from, before, later, handled };
}

describe("POST /api/patterns/{id}/split", () => {
	it("ends the old series the day before and moves its unedited sessions to the new one", async () => {
		const { pattern, from, before, later, handled } = await seedEditedSeries();
		const response = await split(pattern.id, {
			from,
			changes: { time: "10:00", title: "Pottery (evening group)" },
		});
		expect(response.status).toBe(201);
		const { old_pattern, new_pattern } = response.body;
		expect(response.headers.get("Location")).toBe(`/api/patterns/${new_pattern.id}`);
		expect(response.headers.get("ETag")).toBe(`"p${new_pattern.id}.1"`);
		expect(old_pattern).toMatchObject({
			id: pattern.id,
			start_date: pattern.start_date,
			end_date: addDays(from, -1),
			time: "09:00:00",
			title: "Pottery",
		});
		expect(new_pattern).toMatchObject({
			start_date: from,
			end_date: null,
			count: null,
			time: "10:00:00",
			title: "Pottery (evening group)",
			weekdays: [0, 2],
			timezone: "UTC",
			is_active: true,
		});
		expect(new_pattern.id).toBeGreaterThan(pattern.id);

		const unedited = later.filter((session) => !handled.includes(session.id));
		expect(response.body.moved).toBe(unedited.length);
		expect(ids(response.body.sessions.moved)).toEqual(ids(unedited));
		expect(response.body.kept).toBe(4);
		expect(response.body.sessions.kept.map((s) => s.id).sort()).toEqual(handled.toSorted());
		// The kept sessions hold their days: the new series adds no 10:00 session beside them.
		expect(response.body.created).toBe(unedited.length);

		const oldAfter = await seriesSessions(pattern.id);
		const newAfter = await seriesSessions(new_pattern.id);
		expect(
			ids(oldAfter.filter((s) => present(s.original_start_datetime) < `${from}T00:00:00Z`)),
		).toEqual(ids(before.filter((s) => s.start_datetime < `${from}T00:00:00Z`)));
		expect(
			oldAfter
				.filter((s) => present(s.original_start_datetime) >= `${from}T00:00:00Z`)
				.map((s) => [s.id, s.status, s.is_exception]),
		).toEqual(
			expect.arrayContaining([
				[handled[0], "scheduled", true],
				[handled[1], "cancelled", true],
				[handled[2], "completed", false],
				[handled[3], "scheduled", true],
			]),
		);
		expect(ids(newAfter)).toEqual(ids(response.body.sessions.created));
		// The four handled sessions hold the first four days (Wed, Mon, Wed, Mon) from `from`.
		expect(starts(newAfter)[0]).toBe(`${addDays(from, 14)}T10:00:00Z`);
		for (const session of newAfter) {
			expect(session).toMatchObject({
				pattern_id: new_pattern.id,
				title: "Pottery (evening group)",
				status: "scheduled",
				is_exception: false,
			});
			expect(session.start_datetime.slice(11)).toBe("10:00:00Z");
			expect([1, 3]).toContain(new Date(session.start_datetime).getUTCDay());
		}

		const fetched = await api("GET", `/api/patterns/${pattern.id}`);
		expect(fetched.body).toEqual(old_pattern);
		expect(fetched.headers.get("ETag")).toBe(`"p${pattern.id}.2"`);
	});

	it("never leaves two sessions on one slot: kept sessions keep theirs", async () => {
		const { pattern, from, later, handled } = await seedEditedSeries();
		const response = await split(pattern.id, { from, changes: { title: "Pottery II" } });
		expect(response.status).toBe(201);
		// Same rule, so every slot from `from` on is either kept or recreated, never both.
		expect(response.body.created).toBe(later.length - 4);
		const all = [
			...(await seriesSessions(pattern.id)),
			...(await seriesSessions(response.body.new_pattern.id)),
		];
		const slots = all.map((s) => s.original_start_datetime);
		expect(new Set(slots).size).toBe(slots.length);
		expect(slots.toSorted()).toEqual(
			[
				...later.map((s) => s.original_start_datetime),
				...all
					.filter((s) => present(s.original_start_datetime) < `${from}T00:00:00Z`)
					.map((s) => s.original_start_datetime),
			].toSorted(),
		);
		const heldSlots = later
			.filter((s) => handled.includes(s.id))
			.map((s) => s.original_start_datetime);
		const newSlots = (await seriesSessions(response.body.new_pattern.id)).map(
			(s) => s.original_start_datetime,
		);
		expect(newSlots.filter((slot) => heldSlots.includes(slot))).toEqual([]);
	});

	it("gives the new series what is left of a count, unless the changes say how it ends", async () => {
		const start = weekdayOnOrAfter(todayPlus(-6), 0);
		const seed = () =>
			createPattern({ weekday: 0, time: "08:00", timezone: "UTC", start_date: start, count: 10 });
		// Sessions on start, +7, …; from = start + 28 leaves four on the old series.
		const from = addDays(start, 28);

		const inherited = await split((await seed()).pattern.id, { from, changes: {} });
		expect(inherited.status).toBe(201);
		expect(inherited.body.old_pattern).toMatchObject({ count: null, end_date: addDays(from, -1) });
		expect(inherited.body.new_pattern).toMatchObject({
			count: 6,
			end_date: null,
			start_date: from,
		});
		const newSessions = await seriesSessions(inherited.body.new_pattern.id);
		expect(starts(newSessions)).toEqual(
			[0, 7, 14, 21, 28, 35].map((days) => `${addDays(from, days)}T08:00:00Z`),
		);
		expect(await seriesSessions(inherited.body.old_pattern.id)).toHaveLength(4);

		const counted = await split((await seed()).pattern.id, { from, changes: { count: 2 } });
		expect(counted.body.new_pattern).toMatchObject({ count: 2, end_date: null });
		expect(counted.body.created).toBe(2);

		const dated = await split((await seed()).pattern.id, {
			from,
			changes: { end_date: addDays(from, 10) },
		});
		expect(dated.body.new_pattern).toMatchObject({ count: null, end_date: addDays(from, 10) });
		expect(dated.body.created).toBe(2);

		const unlimited = await split((await seed()).pattern.id, { from, changes: { count: null } });
		expect(unlimited.body.new_pattern).toMatchObject({ count: null, end_date: null });

		// An end_date is inherited too, unless a count replaces it.
		const ending = () =>
			createPattern({
				weekday: 0,
				timezone: "UTC",
				start_date: start,
				end_date: addDays(start, 60),
			});
		const keepsEnd = await split((await ending()).pattern.id, { from, changes: { count: null } });
		expect(keepsEnd.body.new_pattern).toMatchObject({ count: null, end_date: addDays(start, 60) });
		const byCount = await split((await ending()).pattern.id, { from, changes: { count: 1 } });
		expect(byCount.body.new_pattern).toMatchObject({ count: 1, end_date: null });
	});

	it("moves only sessions still to come when from is in the past; earlier ones stay", async () => {
		const start = weekdayOnOrAfter(todayPlus(-30), 0);
		const { pattern } = await createPattern({
			weekday: undefined,
			weekdays: [0, 1, 2, 3, 4, 5, 6],
			time: "00:00",
			timezone: "UTC",
			start_date: start,
		});
		const from = todayPlus(-7);
		const before = await seriesSessions(pattern.id);
		const response = await split(pattern.id, { from, changes: { title: "Renamed" } });
		expect(response.status).toBe(201);
		const past = before.filter(
			(s) => s.start_datetime >= `${from}T00:00:00Z` && Date.parse(s.start_datetime) < Date.now(),
		);
		expect(past.length).toBeGreaterThanOrEqual(6);
		expect(ids(response.body.sessions.kept)).toEqual(ids(past));
		const newSessions = await seriesSessions(response.body.new_pattern.id);
		expect(Date.parse(present(newSessions[0]).start_datetime)).toBeGreaterThan(Date.now());
		expect(starts(newSessions)).toEqual(starts(response.body.sessions.moved));
		expect((await seriesSessions(pattern.id)).filter((s) => s.title === "Renamed")).toEqual([]);
	});

	it("leaves a split beyond the horizon to the cron, which then fills both series", async () => {
		const { pattern } = await createPattern({
			weekday: 3,
			time: "12:00",
			timezone: "UTC",
			start_date: todayPlus(-3),
		});
		const from = weekdayOnOrAfter(todayPlus(150), 0);
		const response = await split(pattern.id, { from, changes: { time: "13:00" } });
		expect(response.status).toBe(201);
		expect(response.body).toMatchObject({ created: 0, moved: 0, kept: 0 });

		// The job logs one JSON line per run; it is not this test's subject.
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const run = await api("POST", "/api/jobs/materialize", { body: { months_ahead: 12 } });
		log.mockRestore();
		expect(run.status).toBe(200);
		const oldSessions = await seriesSessions(pattern.id);
		const newSessions = await seriesSessions(response.body.new_pattern.id);
		expect(oldSessions.at(-1)?.start_datetime).toBe(`${addDays(from, -4)}T12:00:00Z`);
		expect(newSessions[0]?.start_datetime).toBe(`${addDays(from, 3)}T13:00:00Z`);
		expect(newSessions.every((s) => s.start_datetime.endsWith("T13:00:00Z"))).toBe(true);
	});

	it("starts the new series on `from` in its own zone, even before `from` begins in the old one", async () => {
		const { pattern } = await createPattern({
			weekday: undefined,
			weekdays: [0, 1, 2, 3, 4, 5, 6],
			time: "07:00",
			timezone: "Europe/London",
			start_date: todayPlus(-3),
		});
		const from = todayPlus(10);
		const response = await split(pattern.id, { from, changes: { timezone: "Pacific/Auckland" } });
		expect(response.status).toBe(201);
		const newSessions = await seriesSessions(response.body.new_pattern.id);
		// 07:00 in Auckland on `from` is the evening before in London.
		expect(newSessions[0]?.start_local).toMatch(new RegExp(`^${from}T07:00:00\\+1[23]:00$`));
		expect(present(newSessions[0]).start_datetime < `${from}T00:00:00Z`).toBe(true);
		const oldSessions = await seriesSessions(pattern.id);
		expect(oldSessions.at(-1)?.start_local).toMatch(new RegExp(`^${addDays(from, -1)}T07:00:00`));
	});

	it("splits an every-other-week, two-day, count-limited series across a DST change", async () => {
		const zone = "America/New_York";
		const transition = nextTransitionDate(zone, 30);
		// Active weeks: the one two weeks before the change's week, the change's week, and so on.
		const start = addDays(mondayOf(transition), -14);
		const { pattern } = await createPattern({
			title: "Choir",
			weekday: undefined,
			weekdays: [0, 3],
			interval: 2,
			count: 7,
			time: "07:30",
			timezone: zone,
			start_date: start,
			months_ahead: 12,
		});
		const from = mondayOf(transition);
		const response = await split(pattern.id, { from, changes: { time: "18:00" } });
		expect(response.status).toBe(201);
		expect(response.body.new_pattern).toMatchObject({ interval: 2, weekdays: [0, 3], count: 5 });

		const oldSessions = await seriesSessions(pattern.id);
		expect(starts(oldSessions)).toEqual([
			instantOf(start, "07:30", zone),
			instantOf(addDays(start, 3), "07:30", zone),
		]);
		// Mondays and Thursdays of weeks 0, 2 and 4 from `from` (every other week), five in all;
		// the change falls on the Sunday of week 0, so the 18:00 local time moves in UTC.
		const expectedDates = [0, 3, 14, 17, 28].map((days) => addDays(from, days));
		const newSessions = await seriesSessions(response.body.new_pattern.id);
		expect(starts(newSessions)).toEqual(
			expectedDates.map((date) => instantOf(date, "18:00", zone)),
		);
		expect(newSessions.map((s) => s.start_local.slice(0, 19))).toEqual(
			expectedDates.map((date) => `${date}T18:00:00`),
		);
		const offsets = new Set(newSessions.map((s) => s.start_local.slice(19)));
		expect(offsets.size).toBe(2);
	});

	it("validates from and the changes with 400 problems", async () => {
		const start = weekdayOnOrAfter(todayPlus(7), 0);
		const { pattern } = await createPattern({
			weekday: 0,
			timezone: "UTC",
			start_date: start,
			end_date: addDays(start, 35),
		});
		const cases: [unknown, string, RegExp][] = [
			[{}, "from", /Required|expected string/i],
			[{ from: "2026-02-30" }, "from", /real calendar date/],
			[{ from: start }, "from", /at least two days after/],
			[{ from: addDays(start, 1) }, "from", /at least two days after/],
			[{ from: addDays(start, 36) }, "from", /after the series' end_date/],
			[{ from: addDays(start, 35) }, "from", /before the series' end_date/],
			[
				{ from: addDays(start, 7), changes: { end_date: addDays(start, 7) } },
				"changes.end_date",
				/after from/,
			],
			[
				{ from: addDays(start, 7), changes: { count: 3, end_date: addDays(start, 20) } },
				"changes.count",
				/Cannot be combined/,
			],
			[{ from: addDays(start, 7), changes: { weekday: 7 } }, "changes.weekday", /Weekday is 0/],
			[
				{ from: addDays(start, 7), changes: { timezone: "Mars/Base" } },
				"changes.timezone",
				/Unknown time zone/,
			],
			[{ from: addDays(start, 7), dry_run: "yes" }, "dry_run", /boolean/],
		];
		for (const [body, path, message] of cases) {
			const response = await split(pattern.id, body);
			expect(response.status, JSON.stringify(body)).toBe(400);
			expect(response.headers.get("Content-Type")).toBe("application/problem+json");
			const error = problemOf(response).errors?.find((e) => e.path === path);
			expect(error?.message, JSON.stringify(response.body)).toMatch(message);
		}
		const counted = await createPattern({
			weekday: 0,
			timezone: "UTC",
			start_date: start,
			count: 2,
		});
		const exhausted = await split(counted.pattern.id, { from: addDays(start, 8) });
		expect(exhausted.status).toBe(400);
		expect(problemOf(exhausted).errors?.[0]?.message).toMatch(/no sessions on or after/);

		const malformed = await api("POST", `/api/patterns/${pattern.id}/split`, {
			raw: "{not json",
			headers: { "Content-Type": "application/json" },
		});
		expect(malformed.status).toBe(400);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.end_date).toBe(
			addDays(start, 35),
		);
	});

	it("answers 404 for an unknown or deleted pattern and 412 for a stale If-Match", async () => {
		const { pattern, from } = await seedEditedSeries();
		expect((await split(999_999, { from })).status).toBe(404);
		expect((await split(pattern.id, { from }, { "If-Match": `"p${pattern.id}.99"` })).status).toBe(
			412,
		);
		const current = await api("GET", `/api/patterns/${pattern.id}`);
		const fresh = await split(
			pattern.id,
			{ from },
			{ "If-Match": current.headers.get("ETag") ?? "" },
		);
		expect(fresh.status).toBe(201);
		// The pattern moved on: the same ETag no longer matches.
		const again = await split(
			pattern.id,
			{ from: addDays(from, 7) },
			{ "If-Match": current.headers.get("ETag") ?? "" },
		);
		expect(again.status).toBe(412);

		const { pattern: doomed } = await createPattern({ start_date: todayPlus(-10) });
		await api("DELETE", `/api/patterns/${doomed.id}`);
		const gone = await split(doomed.id, { from: todayPlus(14) });
		expect(gone.status).toBe(404);
		expect(gone.headers.get("Content-Type")).toBe("application/problem+json");
	});

	it("replays a retried split with the same Idempotency-Key instead of splitting twice", async () => {
		const { pattern, from } = await seedEditedSeries();
		const headers = { "Idempotency-Key": `split-${pattern.id}` };
		const first = await split(pattern.id, { from, changes: { title: "Once" } }, headers);
		const retry = await split(pattern.id, { from, changes: { title: "Once" } }, headers);
		expect(first.status).toBe(201);
		expect(retry.status).toBe(201);
		expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
		expect(retry.body).toEqual(first.body);
		const patterns = await api("GET", "/api/patterns?search=Once");
		expect(patterns.body.map((p) => p.id)).toEqual([first.body.new_pattern.id]);
	});

	it("dry run answers exactly what the real run then does, and writes nothing", async () => {
		const { pattern, from } = await seedEditedSeries();
		const body = { from, changes: { weekdays: [1, 3], duration_minutes: 90 } };
		const beforeOld = await seriesSessions(pattern.id);
		const dry = await split(pattern.id, { ...body, dry_run: true });
		expect(dry.status).toBe(200);
		expect(dry.headers.get("Location")).toBeNull();
		expect(dry.body.dry_run).toBe(true);
		expect(dry.body.new_pattern.id).toBeNull();
		expect(await seriesSessions(pattern.id)).toEqual(beforeOld);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.end_date).toBeNull();

		const real = await split(pattern.id, body);
		expect(real.status).toBe(201);
		expect(real.body.dry_run).toBe(false);
		const withoutStamps = ({ id, created_at, updated_at, ...rest }: Split["new_pattern"]) => rest;
		expect(withoutStamps(dry.body.old_pattern)).toEqual(withoutStamps(real.body.old_pattern));
		expect(withoutStamps(dry.body.new_pattern)).toEqual(withoutStamps(real.body.new_pattern));
		for (const list of ["created", "moved", "kept"] as const) {
			expect(dry.body[list]).toBe(real.body[list]);
		}
		expect(real.body.sessions.moved).toEqual(dry.body.sessions.moved);
		expect(real.body.sessions.kept).toEqual(dry.body.sessions.kept);
		expect(starts(real.body.sessions.created)).toEqual(starts(dry.body.sessions.created));
		expect(dry.body.sessions.created.every((s) => s.id === null)).toBe(true);
		expect(starts(await seriesSessions(real.body.new_pattern.id))).toEqual(
			starts(dry.body.sessions.created),
		);
	});
});
