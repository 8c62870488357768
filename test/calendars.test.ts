import { applyD1Migrations, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { api, d1Usage, expectProblem, ROOT_TOKEN } from "./support/api";
import { todayPlus } from "./support/dates";
import { validPattern } from "./support/fixtures";

const createCalendar = async (body: Record<string, unknown>) => {
	const response = await api("POST", "/api/calendars", { body });
	expect(response.status, JSON.stringify(response.body)).toBe(201);
	return response.body;
};

const version = async (id: number) =>
	(
		(await env.DB.prepare("SELECT version FROM calendars WHERE id = ?").bind(id).first()) as {
			version: number;
		}
	).version;

describe("/api/calendars", () => {
	it("creates, reads, lists, renames and deletes a calendar", async () => {
		const created = await createCalendar({ name: "Riverside", timezone: "Europe/Paris" });
		expect(created).toMatchObject({ name: "Riverside", timezone: "Europe/Paris" });
		expect((await api("GET", `/api/calendars/${created.id}`)).body).toEqual(created);
		const listed = await api("GET", "/api/calendars?limit=1");
		expect(listed.body.map((row) => row.id)).toEqual([1]);
		expect(listed.headers.get("Link")).toContain('rel="next"');
		const renamed = await api("PATCH", `/api/calendars/${created.id}`, {
			body: { name: "Riverside hall" },
		});
		expect(renamed.body).toMatchObject({ id: created.id, name: "Riverside hall" });
		const deleted = await api("DELETE", `/api/calendars/${created.id}`);
		expect(deleted.status).toBe(200);
		expectProblem(await api("GET", `/api/calendars/${created.id}`), 404);
	});

	it("refuses bad input with 400 and changes nothing", async () => {
		expectProblem(await api("POST", "/api/calendars", { body: { name: "" } }), 400);
		expectProblem(
			await api("POST", "/api/calendars", { body: { name: "X", timezone: "Mars/Base" } }),
			400,
		);
		expectProblem(await api("PATCH", "/api/calendars/1", { body: { name: 5 } }), 400);
		for (const bad of ["abc", "0", "-1", "1.5"]) {
			expectProblem(await api("GET", `/api/patterns?calendar_id=${bad}`), 400);
		}
		expectProblem(
			await api("POST", "/api/patterns", { body: { ...validPattern(), calendar_id: "2" } }),
			400,
		);
		expectProblem(
			await api("POST", "/api/keys", { body: { name: "K", scopes: ["read"], calendar_ids: [] } }),
			400,
		);
		expectProblem(await api("GET", "/api/calendars/abc"), 404);
	});

	it("deletes only an empty calendar, never the default one", async () => {
		const calendar = await createCalendar({ name: "Busy" });
		await api("POST", "/api/patterns", { body: validPattern({ calendar_id: calendar.id }) });
		expectProblem(await api("DELETE", `/api/calendars/${calendar.id}`), 409);
		expectProblem(await api("DELETE", "/api/calendars/1"), 409);
		expect((await api("GET", `/api/calendars/${calendar.id}`)).status).toBe(200);
	});

	it("gives new patterns and sessions its zone when they name none", async () => {
		const calendar = await createCalendar({ name: "Tokyo", timezone: "Asia/Tokyo" });
		const { timezone: _, ...noZone } = validPattern({ calendar_id: calendar.id });
		const pattern = await api("POST", "/api/patterns", { body: noZone });
		expect(pattern.body.pattern).toMatchObject({
			calendar_id: calendar.id,
			timezone: "Asia/Tokyo",
		});
		const session = await api("POST", "/api/occurrences", {
			body: {
				title: "Open day",
				start_datetime: `${todayPlus(4)}T01:00:00Z`,
				calendar_id: calendar.id,
			},
		});
		expect(session.body).toMatchObject({ calendar_id: calendar.id, timezone: "Asia/Tokyo" });
		// Its pattern's sessions are in its calendar too.
		const rows = await api(
			"GET",
			`/api/occurrences?start=${todayPlus(-1)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z&calendar_id=${calendar.id}`,
		);
		expect(rows.body.length).toBeGreaterThan(1);
		expect(rows.body.every((row) => row.calendar_id === calendar.id)).toBe(true);
		expectProblem(
			await api("POST", "/api/patterns", { body: validPattern({ calendar_id: 999_999 }) }),
			404,
		);
	});

	it("omitted, calendar_id is the default calendar, as for every old client", async () => {
		const pattern = await api("POST", "/api/patterns", { body: validPattern() });
		expect(pattern.body.pattern.calendar_id).toBe(1);
		// The default calendar's zone is read by the insert itself: still one round trip.
		await api("PATCH", "/api/calendars/1", { body: { timezone: "Europe/Lisbon" } });
		const session = await api("POST", "/api/occurrences", {
			body: { title: "Walk-in", start_datetime: `${todayPlus(3)}T10:00:00Z` },
		});
		expect(session.body).toMatchObject({ calendar_id: 1, timezone: "Europe/Lisbon" });
		expect(d1Usage(session).queries).toBe(1);
		await api("PATCH", "/api/calendars/1", { body: { timezone: "UTC" } });
	});

	it("moves only the written calendar's version, and serves its feed with it", async () => {
		const one = await createCalendar({ name: "One" });
		const two = await createCalendar({ name: "Two" });
		const [before1, before2] = [await version(one.id), await version(two.id)];
		const created = await api("POST", "/api/patterns", {
			body: validPattern({ calendar_id: one.id }),
		});
		expect(await version(one.id)).toBe(before1 + 1);
		expect(await version(two.id)).toBe(before2);
		const feed = await api("GET", `/api/calendars/${one.id}/calendar.ics`);
		expect(feed.status).toBe(200);
		expect(feed.body).toContain("X-WR-CALNAME:One");
		expect(feed.body).toContain(`pattern-${created.body.pattern.id}@`);
		const etag = feed.headers.get("ETag") ?? "";
		expect(etag).toContain(`.c${one.id}.`);
		const again = await api("GET", `/api/calendars/${one.id}/calendar.ics`, {
			headers: { "If-None-Match": etag },
		});
		expect(again.status).toBe(304);
		// A write to another calendar leaves this feed's ETag standing; a write to it moves it.
		await api("POST", "/api/patterns", { body: validPattern({ calendar_id: two.id }) });
		expect(
			(
				await api("GET", `/api/calendars/${one.id}/calendar.ics`, {
					headers: { "If-None-Match": etag },
				})
			).status,
		).toBe(304);
		await api("PATCH", `/api/patterns/${created.body.pattern.id}`, { body: { title: "Moved" } });
		expect(
			(
				await api("GET", `/api/calendars/${one.id}/calendar.ics`, {
					headers: { "If-None-Match": etag },
				})
			).status,
		).toBe(200);
	});

	it("makes feed tokens per calendar that open that calendar's feed only", async () => {
		const one = await createCalendar({ name: "Feeds" });
		const token = await api("POST", `/api/calendars/${one.id}/feed-tokens`, {
			body: { name: "Lobby" },
		});
		expect(token.status).toBe(201);
		expect(token.body.calendar_id).toBe(one.id);
		const url = new URL(token.body.url);
		expect(url.pathname).toBe(`/api/calendars/${one.id}/calendar.ics`);
		expect((await api("GET", url.pathname + url.search, { token: null })).status).toBe(200);
		expect((await api("GET", `/api/calendar.ics${url.search}`, { token: null })).status).toBe(404);
		// It reads feeds only: the JSON API refuses it.
		expect((await api("GET", "/api/calendars", { token: token.body.token })).status).toBe(401);
		await api("DELETE", `/api/feed-tokens/${token.body.id}`);
		expect((await api("GET", url.pathname + url.search, { token: null })).status).toBe(401);
	});
});

describe("keys scoped to calendars", () => {
	it("shows calendar_ids on create and list; omitted: every calendar", async () => {
		const calendar = await createCalendar({ name: "Keys" });
		const scoped = await api("POST", "/api/keys", {
			body: { name: "Desk", scopes: ["read"], calendar_ids: [calendar.id, calendar.id] },
		});
		expect(scoped.body.calendar_ids).toEqual([calendar.id]);
		const open = await api("POST", "/api/keys", { body: { name: "All", scopes: ["read"] } });
		expect(open.body.calendar_ids).toBeNull();
		const listed = await api("GET", "/api/keys?limit=100");
		const byId = new Map(listed.body.map((key) => [key.id, key.calendar_ids]));
		expect(byId.get(scoped.body.id)).toEqual([calendar.id]);
		expect(byId.get(open.body.id)).toBeNull();
		expectProblem(
			await api("POST", "/api/keys", {
				body: { name: "Ghost", scopes: ["read"], calendar_ids: [987_654] },
			}),
			400,
		);
	});

	it("a scoped key creates in its own calendar when it names none", async () => {
		const calendar = await createCalendar({ name: "Scoped", timezone: "Europe/Berlin" });
		const key = await api("POST", "/api/keys", {
			body: { name: "Writer", scopes: ["write"], calendar_ids: [calendar.id] },
		});
		const { timezone: _, ...noZone } = validPattern();
		const created = await api("POST", "/api/patterns", { body: noZone, token: key.body.key });
		expect(created.body.pattern).toMatchObject({
			calendar_id: calendar.id,
			timezone: "Europe/Berlin",
		});
		expectProblem(
			await api("POST", "/api/patterns", {
				body: validPattern({ calendar_id: 1 }),
				token: key.body.key,
			}),
			404,
		);
	});
});

describe("a key scoped to several calendars", () => {
	it("sees each of them, in lists, ranges and by id, and nothing of the others", async () => {
		const [one, two, three] = [
			await createCalendar({ name: "North" }),
			await createCalendar({ name: "South" }),
			await createCalendar({ name: "West" }),
		];
		const ids = new Map<number, number>();
		for (const calendar of [one, two, three]) {
			const created = await api("POST", "/api/patterns", {
				body: validPattern({ calendar_id: calendar.id, title: `Class ${calendar.name}` }),
			});
			ids.set(calendar.id, created.body.pattern.id);
		}
		const key = (
			await api("POST", "/api/keys", {
				body: { name: "Two sites", scopes: ["admin"], calendar_ids: [two.id, one.id] },
			})
		).body;
		expect(key.calendar_ids).toEqual([one.id, two.id]);
		const as = <P extends string>(path: P) => api("GET", path, { token: key.key });
		const calendars = await as("/api/calendars");
		expect(calendars.body.map((row) => row.id)).toEqual([one.id, two.id]);
		const patterns = await as("/api/patterns?limit=1000");
		expect(new Set(patterns.body.map((row) => row.calendar_id))).toEqual(new Set([one.id, two.id]));
		const range = `start=${todayPlus(-1)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z&limit=1000`;
		const sessions = await as(`/api/occurrences?${range}`);
		expect(new Set(sessions.body.map((row) => row.calendar_id))).toEqual(new Set([one.id, two.id]));
		const starts = sessions.body.map((row) => row.start_datetime);
		expect(starts).toEqual(starts.toSorted());
		expect((await as(`/api/patterns/${ids.get(two.id)}`)).status).toBe(200);
		expect((await as(`/api/patterns/${ids.get(three.id)}`)).status).toBe(404);
		expect((await as(`/api/occurrences?${range}&calendar_id=${three.id}`)).body).toEqual([]);
		// It lists the keys it could have minted (within its calendars), not wider ones.
		const keys = await as("/api/keys?limit=100");
		expect(keys.body.map((row) => row.id)).toEqual([key.id]);
	});
});

describe("migration 0004 on a database that already has data", () => {
	it("puts every existing row on the default calendar, and the API still serves it", async () => {
		const db = env.MIGRATION_DB;
		const migrations = env.TEST_MIGRATIONS;
		expect(migrations.map((m) => m.name.slice(0, 4))).toContain("0004");
		const before = migrations.filter((m) => m.name < "0004");
		await applyD1Migrations(db, before);
		const now = Date.now();
		const start = Date.parse(`${todayPlus(2)}T09:00:00Z`);
		await db.batch([
			db
				.prepare(
					"INSERT INTO patterns (title, weekdays, time, timezone, duration_minutes, start_date, materialized_until, next_slot_at, created_at, updated_at) VALUES ('Old yoga', '[1]', '07:30', 'Europe/Paris', 60, ?, ?, ?, ?, ?)",
				)
				.bind(todayPlus(0), now, now + 7 * 86_400_000, now, now),
			db
				.prepare(
					"INSERT INTO occurrences (pattern_id, title, start_at, end_at, original_start_at, duration_minutes, timezone, created_at, updated_at) VALUES (1, 'Old yoga', ?1, ?1 + 3600000, ?1, 60, 'Europe/Paris', ?2, ?2)",
				)
				.bind(start, now),
			db
				.prepare(
					"INSERT INTO occurrences (title, start_at, end_at, duration_minutes, created_at, updated_at) VALUES ('Old open day', ?1, ?1 + 5400000, 90, ?2, ?2)",
				)
				.bind(start + 86_400_000, now),
			db
				.prepare(
					"INSERT INTO api_keys (name, prefix, hash, scopes, created_at) VALUES ('Old key', 'cal_old000', 'abc', '[\"read\"]', ?)",
				)
				.bind(now),
			db
				.prepare(
					"INSERT INTO feed_tokens (name, prefix, hash, created_at) VALUES ('Old feed', 'calfeed_old', 'def', ?)",
				)
				.bind(now),
		]);
		await applyD1Migrations(db, migrations);
		const counts = await db
			.prepare(
				`SELECT (SELECT count(*) FROM patterns WHERE calendar_id = 1) AS patterns,
					(SELECT count(*) FROM occurrences WHERE calendar_id = 1) AS sessions,
					(SELECT count(*) FROM feed_tokens WHERE calendar_id = 1) AS tokens,
					(SELECT count(*) FROM api_keys WHERE calendar_ids IS NULL) AS keys,
					(SELECT count(*) FROM patterns WHERE calendar_id != 1)
						+ (SELECT count(*) FROM occurrences WHERE calendar_id != 1) AS elsewhere,
					(SELECT timezone FROM calendars WHERE id = 1) AS timezone`,
			)
			.first();
		expect(counts).toEqual({
			patterns: 1,
			sessions: 2,
			tokens: 1,
			keys: 1,
			elsewhere: 0,
			timezone: "UTC",
		});
		// The Worker, on the migrated database: the old rows, on calendar 1, as before.
		const get = async (path: string) => {
			const ctx = createExecutionContext();
			const response = await worker.fetch(
				new Request(`https://calendar.test${path}`, {
					headers: { Authorization: `Bearer ${ROOT_TOKEN}` },
				}),
				{ ...env, DB: db },
				ctx,
			);
			await waitOnExecutionContext(ctx);
			return { status: response.status, body: await response.text() };
		};
		const patterns = await get("/api/patterns?calendar_id=1");
		expect(JSON.parse(patterns.body)).toMatchObject([{ title: "Old yoga", calendar_id: 1 }]);
		const sessions = await get(
			`/api/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(10)}T00:00:00Z`,
		);
		const rows: { title: string; calendar_id: number }[] = JSON.parse(sessions.body);
		expect(rows.map((row) => [row.title, row.calendar_id])).toEqual([
			["Old yoga", 1],
			["Old open day", 1],
		]);
		const feed = await get("/api/calendar.ics");
		expect(feed.status).toBe(200);
		expect(feed.body).toContain("SUMMARY:Old yoga");
	});
});
