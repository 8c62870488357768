// Feed revalidation: the ETag comes from the calendar's version, which every write to what a feed
// shows moves in the write's own batch, so a 304 reads one row however many sessions are stored.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createKey } from "./admin-helpers";
import { api, createOneTime, createPattern, d1Usage, runCron, todayPlus } from "./helpers";

const SESSIONS = 3_000;

let token: string;
let seriesId: number;

/** A calendar app's poll: ?key=, no Authorization header, If-None-Match when it has a tag. */
const poll = (path: string, etag?: string) =>
	api("GET", `${path}?key=${encodeURIComponent(token)}`, {
		token: null,
		headers: etag ? { "If-None-Match": etag } : {},
	});

/** Thousands of sessions written straight to D1: half one-time, half in one series. */
async function storeManySessions(patternId: number) {
	const base = Date.parse("2020-01-06T09:00:00Z");
	await env.DB.prepare(
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
		INSERT INTO occurrences (pattern_id, title, start_at, end_at, original_start_at,
			duration_minutes, timezone, created_at, updated_at)
		SELECT CASE WHEN i % 2 = 0 THEN ?2 END, 'Stored ' || i, ?3 + i * 3600000,
			?3 + i * 3600000 + 1800000, CASE WHEN i % 2 = 0 THEN ?3 + i * 3600000 END, 30, 'UTC',
			?3, ?3
		FROM n`,
	)
		.bind(SESSIONS, patternId, base)
		.run();
}

beforeAll(async () => {
	seriesId = (await createPattern({ title: "Revalidated series", months_ahead: 1 })).pattern.id;
	await storeManySessions(seriesId);
	const created = await api("POST", "/api/feed-tokens", { body: { name: "Poller" } });
	token = created.body.token;
});

describe("If-None-Match on the feeds", () => {
	for (const feed of ["calendar", "series"] as const) {
		it(`answers the ${feed} feed's 304 after reading at most 3 rows of a ${SESSIONS}-session calendar`, async () => {
			const path =
				feed === "calendar" ? "/api/calendar.ics" : `/api/patterns/${seriesId}/calendar.ics`;
			const full = await poll(path);
			expect(full.status).toBe(200);
			expect(d1Usage(full).rowsRead).toBeGreaterThan(SESSIONS / 2);
			const etag = full.headers.get("ETag") ?? "";
			expect(etag).toMatch(/^"f\d+\.c1(\.p\d+)?\.v\d+\.y\d{4}"$/);
			const cached = await poll(path, etag);
			expect(cached.status).toBe(304);
			expect(cached.body).toBe("");
			expect(cached.headers.get("ETag")).toBe(etag);
			const usage = d1Usage(cached);
			expect(usage.rowsRead).toBeLessThanOrEqual(3);
			expect(usage.queries).toBe(2);
			// The same through a read key in the Authorization header.
			const reader = await createKey(["read"]);
			const viaHeader = await api("GET", path, {
				token: reader.key,
				headers: { "If-None-Match": `W/${etag}` },
			});
			expect(viaHeader.status).toBe(304);
			expect(d1Usage(viaHeader).rowsRead).toBeLessThanOrEqual(3);
		});
	}

	it("renders the same bytes for the same ETag", async () => {
		const first = await poll("/api/calendar.ics");
		const second = await poll("/api/calendar.ics");
		expect(second.headers.get("ETag")).toBe(first.headers.get("ETag"));
		expect(second.body).toBe(first.body);
	});

	it("does not call a deleted series unmodified: it is 404", async () => {
		const { pattern } = await createPattern({ title: "Soon gone" });
		const path = `/api/patterns/${pattern.id}/calendar.ics`;
		const etag = (await api("GET", path)).headers.get("ETag") ?? "";
		await api("DELETE", `/api/patterns/${pattern.id}`);
		expect((await api("GET", path, { headers: { "If-None-Match": etag } })).status).toBe(404);
		expect((await api("GET", path, { headers: { "If-None-Match": "*" } })).status).toBe(404);
	});
});

describe("the feed's ETag", () => {
	/** The calendar feed's ETag now, checked to be what a 304 confirms. */
	async function currentTag() {
		const response = await api("GET", "/api/calendar.ics");
		const etag = response.headers.get("ETag") ?? "";
		expect(
			(await api("GET", "/api/calendar.ics", { headers: { "If-None-Match": etag } })).status,
		).toBe(304);
		return etag;
	}

	/** Runs `action` and reports whether a calendar app holding the old ETag gets a new feed. */
	async function changesFeed(action: () => Promise<unknown>) {
		const before = await currentTag();
		await action();
		const after = await api("GET", "/api/calendar.ics", { headers: { "If-None-Match": before } });
		return after.status === 200 && after.headers.get("ETag") !== before;
	}

	const sessionOf = async (patternId: number) =>
		(
			await api(
				"GET",
				`/api/patterns/${patternId}/occurrences?start=${todayPlus(-1)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z`,
			)
		).body[0];

	it("moves with every kind of write", async () => {
		let patternId = 0;
		const writes: [string, () => Promise<unknown>][] = [
			[
				"pattern create",
				async () => {
					patternId = (await createPattern({ title: "Every write", months_ahead: 1 })).pattern.id;
				},
			],
			[
				"pattern edit",
				() => api("PATCH", `/api/patterns/${patternId}`, { body: { title: "Renamed" } }),
			],
			[
				"session edit",
				async () => {
					const session = await sessionOf(patternId);
					return api("PATCH", `/api/occurrences/${session.id}`, { body: { title: "Moved" } });
				},
			],
			[
				"session cancel",
				async () => api("DELETE", `/api/occurrences/${(await sessionOf(patternId)).id}`),
			],
			[
				"session complete",
				async () => {
					const sessions = await api(
						"GET",
						`/api/patterns/${patternId}/occurrences?start=${todayPlus(-1)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z&status=scheduled`,
					);
					return api("POST", `/api/occurrences/${sessions.body[0].id}/complete`);
				},
			],
			[
				"one-time create",
				() => createOneTime({ title: "Open day", start_datetime: `${todayPlus(20)}T10:00:00Z` }),
			],
			[
				"split",
				() =>
					api("POST", `/api/patterns/${patternId}/split`, {
						body: { from: todayPlus(21), changes: { title: "Later" } },
					}),
			],
			[
				"materialize job",
				() => api("POST", "/api/jobs/materialize", { body: { months_ahead: 3 } }),
			],
			["pattern delete", () => api("DELETE", `/api/patterns/${patternId}`)],
		];
		const changed: Record<string, boolean> = {};
		for (const [name, write] of writes) changed[name] = await changesFeed(write);
		expect(changed).toEqual(Object.fromEntries(writes.map(([name]) => [name, true])));
	});

	it("moves when the cron materializes, and not when it finds nothing due", async () => {
		await createPattern({ title: "Cron grows me", months_ahead: 1 });
		expect(await changesFeed(() => runCron({ horizonMonths: "4" }))).toBe(true);
		expect(await changesFeed(() => runCron({ horizonMonths: "4" }))).toBe(false);
	});

	it("stays put on reads and on writes that change nothing", async () => {
		const { pattern } = await createPattern({ title: "Quiet", months_ahead: 1 });
		const session = await sessionOf(pattern.id);
		await api("DELETE", `/api/occurrences/${session.id}`);
		const reads: [string, () => Promise<unknown>][] = [
			[
				"reads",
				() =>
					Promise.all([
						api("GET", "/api/patterns"),
						api("GET", `/api/occurrences/${session.id}`),
						api("GET", "/api/calendar.ics"),
					]),
			],
			[
				"cancelling a cancelled session (409)",
				() => api("DELETE", `/api/occurrences/${session.id}`),
			],
			[
				"editing with a stale If-Match (412)",
				() =>
					api("PATCH", `/api/occurrences/${session.id}`, {
						body: { title: "x" },
						headers: { "If-Match": `"o${session.id}.1"` },
					}),
			],
			[
				"editing a missing session (404)",
				() => api("PATCH", "/api/occurrences/99999999", { body: { title: "x" } }),
			],
			[
				"a key and a feed token",
				async () => {
					await createKey(["read"]);
					await api("POST", "/api/feed-tokens", { body: { name: "Another" } });
				},
			],
		];
		const changed: Record<string, boolean> = {};
		for (const [name, action] of reads) changed[name] = await changesFeed(action);
		expect(changed).toEqual(Object.fromEntries(reads.map(([name]) => [name, false])));
	});
});

describe("the feed's clock", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	const at = (iso: string) => {
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(new Date(iso));
	};

	it("renders the same bytes all year, so the year is all the ETag needs besides the version", async () => {
		at("2026-01-01T12:00:00Z");
		// A zone of its own, so no other series stretches its VTIMEZONE.
		await createPattern({
			title: "Open-ended",
			timezone: "America/Chicago",
			start_date: "2026-01-05",
			months_ahead: 1,
		});
		const january = await api("GET", "/api/calendar.ics");
		at("2026-12-31T12:00:00Z");
		const december = await api("GET", "/api/calendar.ics", {
			headers: { "If-None-Match": january.headers.get("ETag") ?? "" },
		});
		expect(december.status).toBe(304);
		expect((await api("GET", "/api/calendar.ics")).body).toBe(january.body);
		// The open-ended series' zone is covered at least a year past either day.
		expect(january.body).toContain("DTSTART:20271107T020000");
		at("2027-01-01T12:00:00Z");
		const nextYear = await api("GET", "/api/calendar.ics", {
			headers: { "If-None-Match": january.headers.get("ETag") ?? "" },
		});
		expect(nextYear.status).toBe(200);
		expect(nextYear.headers.get("ETag")).not.toBe(january.headers.get("ETag"));
	});
});
