// D1 budgets, counted from D1's own `meta` (Server-Timing), never from the clock. The root token
// authenticates without a query, so every count here is what the request itself costs.
import { env } from "cloudflare:workers";
import { Temporal } from "temporal-polyfill";
import { beforeAll, describe, expect, it } from "vitest";
import { emptyUsage, meteredD1 } from "../src/db/client";
import worker from "../src/index";
import { type ApiResponse, api, d1Usage, present } from "./support/api";
import { runCron } from "./support/cron";
import { todayPlus } from "./support/dates";
import { createOneTime, createPattern } from "./support/fixtures";
import type { Booking, Occurrence } from "./support/types";

const ZONE = "Europe/Paris";

/** A studio's week: [weekday, local time, minutes], mornings to evenings, every day. */
const timetable: [number, string, number][] = [
	[0, "07:00", 60],
	[0, "12:30", 45],
	[0, "18:00", 90],
	[1, "09:00", 60],
	[1, "19:00", 75],
	[2, "07:00", 60],
	[2, "18:30", 120],
	[3, "12:00", 45],
	[3, "20:00", 60],
	[4, "17:00", 90],
	[5, "09:00", 120],
	[5, "11:30", 60],
	[6, "10:00", 90],
	[6, "17:00", 60],
];

const localMidnight = (date: Temporal.PlainDate) =>
	date.toZonedDateTime(ZONE).toInstant().epochMilliseconds;
const iso = (instant: number) => new Date(instant).toISOString();

const today = Temporal.Now.plainDateISO(ZONE);
/** Monday 00:00 local, two weeks ahead, and the month after next: inside the materialized horizon. */
const weekStart = localMidnight(today.add({ days: 14 - (today.dayOfWeek - 1) }));
const weekEnd = weekStart + 7 * 86_400_000;
const monthStart = localMidnight(today.with({ day: 1 }).add({ months: 1 }));
const monthEnd = localMidnight(today.with({ day: 1 }).add({ months: 2 }));

async function range(start: number, end: number, query = "") {
	const response = await api("GET", `/api/occurrences?start=${iso(start)}&end=${iso(end)}${query}`);
	expect(response.status).toBe(200);
	return { rows: response.body, usage: d1Usage(response) };
}

beforeAll(async () => {
	for (const [weekday, time, duration] of timetable) {
		await createPattern({
			title: `Class ${weekday} ${time}`,
			weekday,
			time,
			timezone: ZONE,
			duration_minutes: duration,
			start_date: todayPlus(-21),
		});
	}
	// One-time sessions, long ones among them: an all-day retreat that runs from the Sunday before
	// the week into its Monday, and a half-day workshop inside the week.
	await createOneTime({
		title: "Retreat",
		start_datetime: iso(weekStart - 15 * 3_600_000),
		duration_minutes: 1440,
	});
	await createOneTime({
		title: "Workshop",
		start_datetime: iso(weekStart + 2 * 86_400_000 + 9 * 3_600_000),
		duration_minutes: 360,
	});
	await createOneTime({
		title: "Private lesson",
		start_datetime: iso(monthStart + 25 * 86_400_000 + 15 * 3_600_000),
		duration_minutes: 30,
	});
});

describe("GET /api/occurrences (range query)", () => {
	it("answers a week in one query reading at most the rows it returns + 2", async () => {
		const { rows, usage } = await range(weekStart, weekEnd);
		expect(rows.length).toBe(timetable.length + 2);
		expect(rows[0]?.title).toBe("Retreat");
		expect(usage.queries).toBe(1);
		expect(usage.rowsRead).toBeLessThanOrEqual(rows.length + 2);
		expect(usage.rowsWritten).toBe(0);
	});

	it("answers a month in one query reading at most the rows it returns + 2", async () => {
		const { rows, usage } = await range(monthStart, monthEnd);
		expect(rows.length).toBeGreaterThan(50);
		expect(rows.map((row) => row.title)).toContain("Private lesson");
		expect(usage.queries).toBe(1);
		expect(usage.rowsRead).toBeLessThanOrEqual(rows.length + 2);
	});

	it("reads at most returned + 2 on every page of a paged month", async () => {
		let path = `/api/occurrences?start=${iso(monthStart)}&end=${iso(monthEnd)}&limit=10`;
		const all = (await range(monthStart, monthEnd)).rows;
		const seen: number[] = [];
		for (let page = 0; page < 20 && path; page++) {
			const response = await api<Occurrence[]>("GET", path);
			const usage = d1Usage(response);
			expect(usage.queries).toBe(1);
			expect(usage.rowsRead).toBeLessThanOrEqual(response.body.length + 2);
			seen.push(...response.body.map((row) => row.id));
			const next = /<([^>]+)>; rel="next"/.exec(response.headers.get("Link") ?? "")?.[1];
			const url = next ? new URL(next, "https://calendar.test") : undefined;
			path = url ? `${url.pathname}${url.search}` : "";
		}
		expect(seen).toEqual(all.map((row) => row.id));
	});

	it("bounds a ten-year range by its page size, not its span", async () => {
		const tenYears = 3_652 * 86_400_000;
		const { rows, usage } = await range(
			weekStart - tenYears / 2,
			weekStart + tenYears / 2,
			"&limit=25",
		);
		expect(rows.length).toBe(25);
		expect(usage.queries).toBe(1);
		// limit + 1 rows (the look-ahead for the next page) plus the merge's constant.
		expect(usage.rowsRead).toBeLessThanOrEqual(25 + 1 + 2);
	});

	it("answers a day holding only a session that started the day before", async () => {
		const { rows, usage } = await range(weekStart + 5 * 3_600_000, weekStart + 6 * 3_600_000);
		expect(rows.map((row) => row.title)).toEqual(["Retreat"]);
		expect(usage.rowsRead).toBeLessThanOrEqual(rows.length + 2);
	});

	// What the lead-in costs: a session that ends before the window but starts inside the scanned
	// lead-in is read and dropped. One more row when another entry follows it in its index; none
	// when it is the index's last.
	it.each([
		{
			what: "a long session that ended in the 24 h before",
			weeks: 1,
			startsBefore: 720,
			minutes: 180,
		},
		{ what: "a session that ended in the 2 h before", weeks: 2, startsBefore: 90, minutes: 60 },
	])(
		"reads at most one more row for $what the window",
		async ({ weeks, startsBefore, minutes }) => {
			const start = weekStart + weeks * 7 * 86_400_000;
			const before = await range(start, start + 7 * 86_400_000);
			await createOneTime({
				title: "Ends before the window",
				start_datetime: iso(start - startsBefore * 60_000),
				duration_minutes: minutes,
			});
			const after = await range(start, start + 7 * 86_400_000);
			expect(after.rows).toEqual(before.rows);
			expect(after.usage.rowsRead - before.usage.rowsRead).toBeGreaterThanOrEqual(0);
			expect(after.usage.rowsRead - before.usage.rowsRead).toBeLessThanOrEqual(1);
		},
	);

	it("reads the sessions a status filter leaves out, and no others", async () => {
		const { rows } = await range(weekStart, weekEnd);
		await api("DELETE", `/api/occurrences/${present(rows[3]).id}`);
		const filtered = await range(weekStart, weekEnd, "&status=scheduled");
		expect(filtered.rows.length).toBe(rows.length - 1);
		expect(filtered.usage.rowsRead).toBeLessThanOrEqual(filtered.rows.length + 1 + 2);
	});
});

describe("GET /api/patterns/{id}/occurrences (series query)", () => {
	it("answers one series' month in one round trip, the pattern check included", async () => {
		const { rows: month } = await range(monthStart, monthEnd);
		const patternId = present(month.find((row) => row.pattern_id !== null)?.pattern_id);
		const response = await api(
			"GET",
			`/api/patterns/${patternId}/occurrences?start=${iso(monthStart)}&end=${iso(monthEnd)}`,
		);
		expect(response.status).toBe(200);
		expect(response.body).toEqual(month.filter((row) => row.pattern_id === patternId));
		const usage = d1Usage(response);
		expect(usage.queries).toBe(1);
		// The pattern's own row (a primary-key seek), then its sessions.
		expect(usage.rowsRead).toBeLessThanOrEqual(response.body.length + 2 + 1);
	});

	it("answers 404 for an unknown pattern in the same single round trip", async () => {
		const response = await api(
			"GET",
			`/api/patterns/999999/occurrences?start=${iso(monthStart)}&end=${iso(monthEnd)}`,
		);
		expect(response.status).toBe(404);
		expect(d1Usage(response).queries).toBe(1);
	});
});

describe("one resource: at most 2 round trips", () => {
	it("reads, edits, completes and cancels a session in one query each", async () => {
		const session = await createOneTime({ start_datetime: iso(monthStart + 3_600_000) });
		const calls: ApiResponse[] = [
			await api("GET", `/api/occurrences/${session.id}`),
			await api("PATCH", `/api/occurrences/${session.id}`, { body: { title: "Open day" } }),
			await api("POST", `/api/occurrences/${session.id}/complete`),
		];
		const other = await createOneTime({ start_datetime: iso(monthStart + 7_200_000) });
		calls.push(await api("DELETE", `/api/occurrences/${other.id}`));
		for (const call of calls) {
			expect(call.status).toBe(200);
			expect(d1Usage(call).queries).toBe(1);
			// The row by its primary key (with the key's calendars in the same WHERE), plus the scratch
			// table that RETURNING reads back, and for a write the session's calendar id (by primary
			// key again) and the calendar row whose version it moves, then the change row's statement
			// and its outbox statement (the row again, the AUTOINCREMENT counter, the CTE of the
			// previous insert, the live webhooks), all in the same batch.
			// A cancel also ends the session's bookings and holds in that batch: two probes of the row.
			const cancel = call === calls[3];
			expect(d1Usage(call).rowsRead).toBeLessThanOrEqual(cancel ? 7 + 8 : 5 + 8);
		}
		// The session and the calendar's version; then the change row with its two index entries
		// and its AUTOINCREMENT counter.
		expect(calls.map((call) => d1Usage(call).rowsWritten)).toEqual([0, 2 + 4, 2 + 4, 2 + 4]);
	});

	it("answers a refused state change in 2 round trips", async () => {
		const session = await createOneTime({ start_datetime: iso(monthStart + 3 * 3_600_000) });
		await api("DELETE", `/api/occurrences/${session.id}`);
		const again = await api("DELETE", `/api/occurrences/${session.id}`);
		expect(again.status).toBe(409);
		expect(d1Usage(again)).toMatchObject({ queries: 2, rowsWritten: 0 });
	});

	it("reads a pattern in one query; edits and deletes it in a read and one batch", async () => {
		const { pattern } = await createPattern({ start_date: todayPlus(1) });
		const read = await api("GET", `/api/patterns/${pattern.id}`);
		const retitle = await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "Flow" } });
		const move = await api("PATCH", `/api/patterns/${pattern.id}`, { body: { time: "08:15" } });
		const remove = await api("DELETE", `/api/patterns/${pattern.id}`);
		for (const call of [read, retitle, move, remove]) expect(call.status).toBe(200);
		expect([read, retitle, move, remove].map((call) => d1Usage(call).queries)).toEqual([
			1, 2, 2, 2,
		]);
	});
});

describe("POST /api/patterns", () => {
	it("creates a pattern with 3 months of sessions in one batch", async () => {
		const response = await api("POST", "/api/patterns", {
			body: {
				title: "Evening flow",
				weekdays: [0, 3],
				time: "19:00",
				timezone: ZONE,
				start_date: todayPlus(0),
			},
		});
		expect(response.status).toBe(201);
		expect(response.body.occurrences_created).toBeGreaterThan(20);
		const usage = d1Usage(response);
		expect(usage.queries).toBe(1);
		// The pattern row, its due-index and calendar-index entries, two AUTOINCREMENT counters (one
		// per statement) and the calendar's version, then each session and its four index entries
		// (start, series slot, pattern and start, calendar and start); then a change row per session
		// and one for the pattern, each with its two index entries, and the AUTOINCREMENT counter
		// once per change statement.
		const sessions = response.body.occurrences_created;
		expect(usage.rowsWritten).toBe(6 + 5 * sessions + 3 * (sessions + 1) + 2);
	});
});

describe("authentication", () => {
	it("costs an API key one indexed lookup and the root token none", async () => {
		const key = await api("POST", "/api/keys", { body: { name: "Front desk", scopes: ["read"] } });
		expect(key.status).toBe(201);
		const asRoot = await range(weekStart, weekEnd);
		const asKey = await api("GET", `/api/occurrences?start=${iso(weekStart)}&end=${iso(weekEnd)}`, {
			token: key.body.key,
		});
		expect(asKey.status).toBe(200);
		expect(asKey.body).toEqual(asRoot.rows);
		expect(d1Usage(asKey).queries).toBe(asRoot.usage.queries + 1);
		expect(d1Usage(asKey).rowsRead).toBeLessThanOrEqual(asRoot.usage.rowsRead + 2);
	});
});

describe("scheduled (the cron)", () => {
	it("writes nothing and reads one index entry per chore when nothing is due", async () => {
		// Patterns created through the API are materialized through the cron's horizon already.
		await createPattern({ title: "Already materialized", start_date: todayPlus(2) });
		const usage = emptyUsage();
		await runCron({ env: { ...env, DB: meteredD1(env.DB, usage) } });
		const active = await env.DB.prepare(
			"SELECT count(*) AS n FROM patterns WHERE is_active = 1 AND deleted_at IS NULL",
		).first<{ n: number }>();
		expect(active?.n).toBeGreaterThan(timetable.length);
		// Six chores, one statement each: the due-pattern scan, the sweeps of expired
		// Idempotency-Keys and admin sessions, the outbox sweep, the change feed's retention and the
		// expired-hold probe.
		expect(usage).toMatchObject({ queries: 6, rowsWritten: 0 });
		expect(usage.rowsRead).toBeLessThanOrEqual(6);
	});
});

describe("bookings: one round trip per write", () => {
	const seated = async (capacity: number, hour: number) => {
		const session = await createOneTime({ start_datetime: iso(monthStart + hour * 3_600_000) });
		await api("PATCH", `/api/occurrences/${session.id}`, { body: { capacity } });
		return session.id as number;
	};
	const book = (id: number, n: number) =>
		api("POST", `/api/occurrences/${id}/bookings`, {
			body: { name: `Budget ${n}`, email: `budget${n}.${id}@example.com` },
		});

	it("books, cancels with promotion and holds in one batch each", async () => {
		const id = await seated(1, 30);
		const first = await book(id, 1);
		const waiting = await book(id, 2);
		expect([first.status, waiting.status]).toEqual([201, 201]);
		expect(waiting.body.status).toBe("waitlisted");
		const cancel = await api("DELETE", `/api/bookings/${first.body.id}`);
		expect(cancel.status).toBe(200);
		expect((await api("GET", `/api/bookings/${waiting.body.id}`)).body.status).toBe("confirmed");
		const other = await seated(3, 31);
		const hold = await api("POST", `/api/occurrences/${other}/holds`, { body: { seats: 2 } });
		expect(hold.status).toBe(201);
		for (const call of [first, waiting, cancel, hold]) expect(d1Usage(call).queries).toBe(1);
	});

	it("books behind a long line without reading the line", async () => {
		const id = await seated(1, 33);
		const early: ApiResponse[] = [];
		for (let n = 0; n < 41; n++) early.push(await book(id, 200 + n));
		const late = await book(id, 300);
		expect(late.body).toMatchObject({ status: "waitlisted", waitlist_position: 41 });
		expect(d1Usage(late).queries).toBe(1);
		// The end of the line is one index seek (max position), promotion stops at once (no seat)
		// and nothing is renumbered: 40 bookings ahead cost what 1 does, give or take an index level.
		const second = early[2] as ApiResponse<Booking>;
		expect(second.body.waitlist_position).toBe(2);
		expect(d1Usage(late).rowsRead - d1Usage(second).rowsRead).toBeLessThanOrEqual(4);
	});

	it("reads a roster page in one query, rows read ≤ rows returned + 2", async () => {
		const id = await seated(5, 32);
		for (let n = 0; n < 8; n++) await book(id, 100 + n);
		const page = await api("GET", `/api/occurrences/${id}/bookings?limit=6`);
		expect(page.status).toBe(200);
		expect(page.body).toHaveLength(6);
		expect(d1Usage(page).queries).toBe(1);
		expect(d1Usage(page).rowsRead).toBeLessThanOrEqual(6 + 2);
		const next = /<([^>]+)>; rel="next"/.exec(page.headers.get("Link") ?? "")?.[1];
		expect(next).toBeDefined();
		const rest = await api(
			"GET",
			new URL(next as string).pathname + new URL(next as string).search,
		);
		expect(rest.body).toHaveLength(2);
		expect(d1Usage(rest).queries).toBe(1);
		expect(d1Usage(rest).rowsRead).toBeLessThanOrEqual(2 + 2);
	});
});
