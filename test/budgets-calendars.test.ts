// Range queries on a deployment of many calendars: a small studio's page must cost what its own
// rows cost, however many sessions another calendar holds. Counted from D1's meta (Server-Timing),
// and checked in the query plan on the exact SQL the Worker sends.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { listOccurrences } from "../src/occurrences/service";
import { type ApiResponse, api, d1Usage } from "./support/api";
import { type RecordedStatement, recordingD1 } from "./support/d1-recorder";
import { todayPlus } from "./support/dates";
import { validPattern } from "./support/fixtures";
import type { Occurrence } from "./support/types";

const BIG_SESSIONS = 100_000;
const DAY = 86_400_000;
let small: number;
let big: number;
let smallKey: string;

const iso = (ms: number) => new Date(ms).toISOString();
const startOfToday = Date.parse(`${todayPlus(0)}T00:00:00Z`);

/** 100,000 sessions in one statement: one every 5 minutes from a week ago, some of them long. */
async function seedBigCalendar(calendarId: number) {
	await env.DB.prepare(
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
		INSERT INTO occurrences (calendar_id, title, start_at, end_at, duration_minutes, timezone, created_at, updated_at)
		SELECT ?2, 'Big ' || i, ?3 + i * 300000,
			?3 + i * 300000 + (CASE WHEN i % 50 = 0 THEN 240 ELSE 45 END) * 60000,
			CASE WHEN i % 50 = 0 THEN 240 ELSE 45 END, 'UTC', ?4, ?4 FROM n`,
	)
		.bind(BIG_SESSIONS, calendarId, startOfToday - 7 * DAY, Date.now())
		.run();
}

beforeAll(async () => {
	small = (await api("POST", "/api/calendars", { body: { name: "Small studio" } })).body.id;
	big = (await api("POST", "/api/calendars", { body: { name: "Big chain" } })).body.id;
	for (const [weekday, time] of [
		[0, "07:00"],
		[2, "18:00"],
		[4, "12:00"],
	] as const) {
		const created = await api("POST", "/api/patterns", {
			body: validPattern({ calendar_id: small, weekday, time, start_date: todayPlus(-14) }),
		});
		expect(created.status).toBe(201);
	}
	// A long one-time session of the small studio, running into the window from the day before.
	await api("POST", "/api/occurrences", {
		body: {
			title: "Retreat",
			start_datetime: iso(startOfToday + 2 * DAY - 10 * 3_600_000),
			duration_minutes: 1440,
			calendar_id: small,
		},
	});
	await seedBigCalendar(big);
	const key = await api("POST", "/api/keys", {
		body: { name: "Small desk", scopes: ["read"], calendar_ids: [small] },
	});
	smallKey = key.body.key;
});

const window = (fromDays: number, days: number) =>
	`start=${iso(startOfToday + fromDays * DAY)}&end=${iso(startOfToday + (fromDays + days) * DAY)}`;

describe("range queries next to a calendar of 100,000 sessions", () => {
	it("holds the big calendar's rows", async () => {
		const { n } = (await env.DB.prepare(
			"SELECT count(*) AS n FROM occurrences WHERE calendar_id = ?",
		)
			.bind(big)
			.first()) as { n: number };
		expect(n).toBe(BIG_SESSIONS);
	});

	for (const [label, fromDays, days] of [
		["a week", 2, 7],
		["a month", 1, 30],
		["a day with only a session from the day before", 2, 1],
	] as const) {
		it(`?calendar_id= reads at most returned + 2 for ${label}`, async () => {
			const response = await api(
				"GET",
				`/api/occurrences?${window(fromDays, days)}&calendar_id=${small}&limit=1000`,
			);
			expect(response.status).toBe(200);
			expect(response.body.length).toBeGreaterThan(0);
			expect(response.body.every((row) => row.calendar_id === small)).toBe(true);
			const usage = d1Usage(response);
			expect(usage.queries).toBe(1);
			expect(usage.rowsRead).toBeLessThanOrEqual(response.body.length + 2);
		});
	}

	it("a key scoped to the small calendar: the same rows, one query more (its lookup), no scan", async () => {
		const path = `/api/occurrences?${window(1, 30)}&limit=1000` as const;
		const asRoot = await api("GET", `${path}&calendar_id=${small}`);
		const asKey = await api("GET", path, { token: smallKey });
		expect(asKey.status).toBe(200);
		expect(asKey.body).toEqual(asRoot.body);
		// The key's calendars come with the key's lookup: scoping costs no round trip of its own.
		expect(d1Usage(asKey).queries).toBe(d1Usage(asRoot).queries + 1);
		expect(d1Usage(asKey).rowsRead).toBeLessThanOrEqual(asKey.body.length + 2 + 1);
	});

	it("pages of the small calendar read at most returned + 2 each", async () => {
		let path: string | undefined = `/api/occurrences?${window(0, 30)}&calendar_id=${small}&limit=4`;
		let pages = 0;
		while (path) {
			const response: ApiResponse<Occurrence[]> = await api<Occurrence[]>("GET", path);
			expect(d1Usage(response).rowsRead).toBeLessThanOrEqual(response.body.length + 2);
			const next: string | undefined = /<([^>]+)>; rel="next"/.exec(
				response.headers.get("Link") ?? "",
			)?.[1];
			path = next ? new URL(next).pathname + new URL(next).search : undefined;
			pages += 1;
		}
		expect(pages).toBeGreaterThan(2);
	});

	it("seeks the calendar-first indexes (EXPLAIN QUERY PLAN)", async () => {
		const log: RecordedStatement[] = [];
		await listOccurrences(createDb(recordingD1(env.DB, log)), {
			start: startOfToday + DAY,
			end: startOfToday + 31 * DAY,
			limit: 100,
			scope: { calendarIds: [small] },
		});
		expect(log).toHaveLength(1);
		const [statement] = log;
		if (!statement) throw new Error("no statement recorded");
		const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
			.bind(...statement.params)
			.all<{ detail: string }>();
		const plan = results.map((row) => row.detail).filter((line) => /occurrences/.test(line));
		expect(
			plan.some((line) => /occurrences_calendar_start_idx \(calendar_id=\? AND/.test(line)),
		).toBe(true);
		expect(
			plan.some((line) => /occurrences_calendar_long_start_idx \(calendar_id=\? AND/.test(line)),
		).toBe(true);
		for (const line of plan) expect(line).toMatch(/^SEARCH occurrences USING/);
	});
});
