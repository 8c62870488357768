// What one request, and one credential per minute, may write: the sessions a create, an edit, a
// split or a materialize run may create (limits.maxSessionsPerWrite, or MAX_SESSIONS_PER_WRITE),
// checked before anything is written, and the WRITE_LIMITER budget, root token included.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { materializeDuePatterns } from "../../src/jobs/materialize";
import { limits } from "../../src/lib/fields";
import { expandSlots } from "../../src/recurrence";
import { ORIGIN, signIn } from "../support/admin";
import {
	type ApiResponse,
	api,
	expectProblem,
	fetchWithVars,
	present,
	ROOT_TOKEN,
} from "../support/api";
import { useClock } from "../support/dates";
import { emptyTables, sessionsOf, tableCounts } from "../support/fixtures";
import { calendarViolations } from "../support/invariants";
import { createKey } from "../support/keys";
import type { Split } from "../support/types";

const NOW = "2026-12-02T12:00:00Z";
useClock(NOW);

const DAY_MS = 86_400_000;
const everyDay = [0, 1, 2, 3, 4, 5, 6];
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** With months_ahead 1 at NOW the last materialized day is 2027-01-02 (horizonEnd: Jan 3, 00:00Z). */
const LAST_DAY = Date.UTC(2027, 0, 2);

const daily = (overrides: Record<string, unknown> = {}) => ({
	title: "Daily stretch",
	weekdays: everyDay,
	time: "07:30",
	timezone: "UTC",
	start_date: "2026-12-03",
	months_ahead: 1,
	...overrides,
});

/** A request to a deployment with these vars (MAX_SESSIONS_PER_WRITE, WRITE_LIMITER). */
async function send<T = unknown>(
	vars: Partial<Env>,
	method: string,
	path: string,
	options: { body?: unknown; token?: string } = {},
): Promise<ApiResponse<T>> {
	const response = await fetchWithVars(vars, path, {
		method,
		headers: {
			Authorization: `Bearer ${options.token ?? ROOT_TOKEN}`,
			...(options.body === undefined ? {} : { "Content-Type": "application/json" }),
		},
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : "" };
}

function expectTooManySessions(response: ApiResponse, sessions: number, limit: number) {
	const problem = expectProblem(response, 400);
	expect(problem.detail).toContain(`would write ${sessions} sessions`);
	expect(problem.detail).toContain(`at most ${limit}`);
	expect(problem.errors).toEqual([{ path: "(sessions)", message: problem.detail }]);
	return problem.detail;
}

/** D1's database size now (every result's meta carries it). */
async function databaseBytes() {
	return (await env.DB.prepare("SELECT 1").run()).meta.size_after;
}

// First in the file, before anything is deleted: new rows then take new pages, so the growth of
// the database is what the sessions cost.
describe("what a session costs in D1", () => {
	it.each([
		// A session and its change row, which copies the session as a GET shows it (kept 30 days).
		["an empty description", "", 700, 1_300],
		["5,000 ASCII characters", "d".repeat(5000), 10_000, 12_500],
		["5,000 four-byte characters", "\u{1F9D8}".repeat(5000), 40_000, 44_000],
	] as const)(
		"stores a session and its change row with %s in the measured bytes",
		async (_, description, min, max) => {
			const before = await databaseBytes();
			const created = await api("POST", "/api/patterns", {
				body: daily({ title: "t".repeat(200), description, start_date: "2026-10-01" }),
			});
			expect(created.status, JSON.stringify(created.body)).toBe(201);
			const perSession = ((await databaseBytes()) - before) / created.body.occurrences_created;
			console.info(`bytes per session with ${_}: ${Math.round(perSession)}`);
			expect(perSession).toBeGreaterThan(min);
			expect(perSession).toBeLessThan(max);
		},
	);
});

describe("POST /api/patterns: sessions per request", () => {
	it("refuses a seven-weekday series from 1970, 12 months ahead, and writes nothing", async () => {
		const before = await tableCounts();
		const body = daily({ start_date: "1970-01-01", months_ahead: 12 });
		const response = await api("POST", "/api/patterns", { body });
		const rule = { weekdays: everyDay, interval: 1, time: "07:30:00", timezone: "UTC" };
		const wouldCreate = expandSlots(
			{ ...rule, startDate: "1970-01-01", endDate: null, count: null },
			{ from: 0, until: Date.UTC(2027, 11, 3) },
		).length;
		expect(wouldCreate).toBeGreaterThan(20_000);
		const detail = expectTooManySessions(response, wouldCreate, limits.maxSessionsPerWrite);
		expect(detail).toMatch(/later start_date.*smaller months_ahead.*end_date/);
		expect(await tableCounts()).toEqual(before);
	});

	it(`creates ${limits.maxSessionsPerWrite} sessions and refuses one more`, async () => {
		const limit = limits.maxSessionsPerWrite;
		const atLimit = await api("POST", "/api/patterns", {
			body: daily({ start_date: dateOf(LAST_DAY - (limit - 1) * DAY_MS) }),
		});
		expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(201);
		expect(atLimit.body.occurrences_created).toBe(limit);
		expect(await sessionsOf(atLimit.body.pattern.id)).toHaveLength(limit);

		const before = await tableCounts();
		const over = await api("POST", "/api/patterns", {
			body: daily({ start_date: dateOf(LAST_DAY - limit * DAY_MS) }),
		});
		expectTooManySessions(over, limit + 1, limit);
		expect(await tableCounts()).toEqual(before);
	});

	it("counts what the next materialization would make when generate_occurrences is false", async () => {
		const before = await tableCounts();
		const response = await api("POST", "/api/patterns", {
			body: daily({ start_date: "2020-01-01", generate_occurrences: false }),
		});
		expect(expectProblem(response, 400).detail).toMatch(/would write \d+ sessions/);
		expect(await tableCounts()).toEqual(before);
	});
});

describe("copied text per request", () => {
	const limit = limits.maxSessionTextBytesPerWrite;
	const title = "Daily stretch";

	it(`creates ${limit} bytes of session text and refuses one more`, async () => {
		// 512 sessions × 4,096 bytes of title and description = 2 MiB.
		const sessions = 512;
		const body = (descriptionBytes: number) =>
			daily({
				title,
				description: "d".repeat(descriptionBytes),
				start_date: dateOf(LAST_DAY - (sessions - 1) * DAY_MS),
			});
		const fits = limit / sessions - title.length;
		const atLimit = await api("POST", "/api/patterns", { body: body(fits) });
		expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(201);
		expect(atLimit.body.occurrences_created).toBe(sessions);

		const before = await tableCounts();
		const over = await api("POST", "/api/patterns", { body: body(fits + 1) });
		const problem = expectProblem(over, 400);
		expect(problem.detail).toContain(`${limit + sessions} bytes`);
		expect(problem.detail).toContain(`at most ${limit}`);
		expect(problem.detail).toContain("shorter description");
		expect(await tableCounts()).toEqual(before);
	});

	it("lets PATCH copy a description into every session up to the limit, not past it", async () => {
		const { pattern, occurrences_created: sessions } = (
			await api("POST", "/api/patterns", { body: daily({ title, months_ahead: 12 }) })
		).body;
		expect(sessions).toBe(365);
		// Two-byte characters, so that the byte budget is reached within 5,000 characters.
		const fits = Math.floor(limit / sessions) - title.length;
		const describe = (bytes: number) =>
			api("PATCH", `/api/patterns/${pattern.id}`, {
				body: { description: "é".repeat(Math.floor(bytes / 2)) + "d".repeat(bytes % 2) },
			});

		const before = await sessionsOf(pattern.id);
		expectProblem(await describe(fits + 1), 400);
		expect(await sessionsOf(pattern.id)).toEqual(before);
		const done = await describe(fits);
		expect(done.status, JSON.stringify(done.body)).toBe(200);
		const after = await sessionsOf(pattern.id);
		expect(new TextEncoder().encode(after[0]?.description).length).toBe(fits);
	});
});

describe("PATCH /api/patterns/{id}: sessions a regeneration makes", () => {
	it("moves a series whose regeneration is at the limit and refuses one past it", async () => {
		const { pattern, occurrences_created: made } = (
			await api("POST", "/api/patterns", { body: daily() })
		).body;
		expect(made).toBe(31);
		const moveTo = (time: string, limit: number) =>
			send({ MAX_SESSIONS_PER_WRITE: String(limit) }, "PATCH", `/api/patterns/${pattern.id}`, {
				body: { time },
			});

		const before = await sessionsOf(pattern.id);
		expectTooManySessions(await moveTo("08:00", made - 1), made, made - 1);
		expect(await sessionsOf(pattern.id)).toEqual(before);
		expect((await api("GET", `/api/patterns/${pattern.id}`)).body.updated_at).toBe(
			pattern.updated_at,
		);

		const moved = await moveTo("08:00", made);
		expect(moved.status, JSON.stringify(moved.body)).toBe(200);
		const after = await sessionsOf(pattern.id);
		expect(after).toHaveLength(made);
		expect(after.every((row) => new Date(row.start_at).getUTCHours() === 8)).toBe(true);
	});
});

describe("POST /api/patterns/{id}/split: sessions the new series gets", () => {
	it("splits at the limit and refuses one past it, dry run included, writing nothing", async () => {
		const { pattern } = (await api("POST", "/api/patterns", { body: daily() })).body;
		const split = (limit: number, dryRun = false) =>
			send<Split>(
				{ MAX_SESSIONS_PER_WRITE: String(limit) },
				"POST",
				`/api/patterns/${pattern.id}/split`,
				{
					body: { from: "2026-12-10", changes: { time: "09:00" }, dry_run: dryRun },
				},
			);
		// Dec 10 to Jan 2.
		const newSessions = 24;

		const before = await tableCounts();
		expectTooManySessions(await split(newSessions - 1, true), newSessions, newSessions - 1);
		expectTooManySessions(await split(newSessions - 1), newSessions, newSessions - 1);
		expect(await tableCounts()).toEqual(before);

		const done = await split(newSessions);
		expect(done.status, JSON.stringify(done.body)).toBe(201);
		expect(done.body.created).toBe(newSessions);
		expect(await sessionsOf(present(done.body.new_pattern.id))).toHaveLength(newSessions);
	});
});

describe("POST /api/jobs/materialize: sessions per run", () => {
	it("stops at the limit, incomplete, and the next runs carry on without gap or duplicate", async () => {
		await emptyTables();
		const created = await api("POST", "/api/patterns", {
			body: daily({ generate_occurrences: false }),
		});
		expect(created.status).toBe(201);
		const id = created.body.pattern.id;
		const run = () =>
			send({ MAX_SESSIONS_PER_WRITE: "12" }, "POST", "/api/jobs/materialize", {
				body: { months_ahead: 1 },
			});

		const first = await run();
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ occurrences_created: 12, complete: false });
		expect(await sessionsOf(id)).toHaveLength(12);
		expect((await run()).body).toMatchObject({ occurrences_created: 12, complete: false });
		expect((await run()).body).toMatchObject({ occurrences_created: 7, complete: true });
		expect((await run()).body).toMatchObject({ occurrences_created: 0, complete: true });

		const days = (await sessionsOf(id)).map((row) => dateOf(row.start_at));
		expect(days).toHaveLength(31);
		expect(new Set(days).size).toBe(31);
		expect(days.at(0)).toBe("2026-12-03");
		expect(days.at(-1)).toBe("2027-01-02");
	});

	it("stops where the copied text would pass its limit", async () => {
		await emptyTables();
		const title = "Daily stretch";
		const description = "\u{1F9D8}".repeat(5000);
		const ids = [];
		for (let made = 0; made < 2; made++) {
			const created = await api("POST", "/api/patterns", {
				body: daily({ title, description, generate_occurrences: false }),
			});
			expect(created.status, JSON.stringify(created.body)).toBe(201);
			ids.push(created.body.pattern.id);
		}
		const run = () => api("POST", "/api/jobs/materialize", { body: { months_ahead: 3 } });
		const perSession = title.length + 4 * 5000;
		const first = await run();
		expect(first.body).toMatchObject({
			occurrences_created: Math.floor(limits.maxSessionTextBytesPerWrite / perSession),
			complete: false,
		});
		const second = await run();
		expect(second.body.complete).toBe(true);
		// Dec 3 to Mar 2, for each of the two patterns.
		expect(first.body.occurrences_created + second.body.occurrences_created).toBe(2 * 90);
		for (const id of ids) expect(await sessionsOf(id)).toHaveLength(90);
	});
});

describe("the Cron Trigger's batches", () => {
	it("cuts a page that owes more than a batch may write into several, without gap or duplicate", async () => {
		await emptyTables();
		for (let made = 0; made < 5; made++) {
			const created = await api("POST", "/api/patterns", {
				body: daily({ title: `Owed ${made}`, generate_occurrences: false }),
			});
			expect(created.status).toBe(201);
		}
		// Five patterns owing 31 sessions each, one page, batches of at most 20 sessions.
		const report = await materializeDuePatterns(createDb(env.DB), {
			now: Date.now(),
			months: 1,
			batchBudget: { sessions: 20, textBytes: 1_000_000 },
		});
		expect(report).toMatchObject({ occurrences_created: 155, complete: true, batches: 8 });
		expect(await calendarViolations({ horizon: Date.UTC(2027, 0, 3) })).toEqual([]);
		expect((await tableCounts())?.occurrences).toBe(155);
	});
});

describe("WRITE_LIMITER: writes per credential per minute", () => {
	const tight = () => ({ WRITE_LIMITER: env.TEST_WRITE_LIMITER });

	/** Sends creates with this token until the first 429; returns how many passed and the 429. */
	async function exhaust(token: string) {
		for (let sent = 0; sent < 15; sent++) {
			const response = await send(tight(), "POST", "/api/occurrences", {
				token,
				body: { title: "Drop-in", start_datetime: "2027-02-01T10:00:00Z" },
			});
			if (response.status === 429) return { passed: sent, limited: response };
			expect(response.status, JSON.stringify(response.body)).toBe(201);
		}
		throw new Error("writes were never limited");
	}

	it("answers 429 problem+json with Retry-After once the root token spends its budget", async () => {
		const { passed, limited } = await exhaust(ROOT_TOKEN);
		// 5 per minute (vitest.config.ts); a minute boundary mid-test may add a budget.
		expect(passed).toBeGreaterThanOrEqual(5);
		expect(passed).toBeLessThanOrEqual(10);
		const problem = expectProblem(limited, 429);
		expect(problem.type).toMatch(/rate_limited$/);
		expect(problem.detail).toContain("Too many writes");
		expect(limited.headers.get("Retry-After")).toBe("60");
	});

	it("counts writes per key, and reads not at all", async () => {
		const spent = await createKey(["write"], "spent writer");
		const fresh = await createKey(["write"], "fresh writer");
		await exhaust(spent.key);
		const read = await send(
			tight(),
			"GET",
			"/api/occurrences?start=2027-01-01T00:00:00Z&end=2027-03-01T00:00:00Z",
			{
				token: spent.key,
			},
		);
		expect(read.status).toBe(200);
		const other = await send(tight(), "POST", "/api/occurrences", {
			token: fresh.key,
			body: { title: "Drop-in", start_datetime: "2027-02-02T10:00:00Z" },
		});
		expect(other.status).toBe(201);
	});

	it("spends the same budget from the admin console's forms", async () => {
		const writer = await createKey(["write"], "console writer");
		const { cookie, csrf } = await signIn(writer.key);
		const { pattern } = (await api("POST", "/api/patterns", { body: daily() })).body;
		const statuses: number[] = [];
		for (let sent = 0; sent < 12 && !statuses.includes(429); sent++) {
			const response = await fetchWithVars(tight(), `/admin/patterns/${pattern.id}/deactivate`, {
				method: "POST",
				headers: {
					Cookie: cookie,
					Origin: ORIGIN,
					"Sec-Fetch-Site": "same-origin",
					"Content-Type": "application/x-www-form-urlencoded",
				},
				body: new URLSearchParams({ csrf }),
				redirect: "manual",
			});
			statuses.push(response.status);
		}
		expect(statuses.at(-1)).toBe(429);
		expect(statuses.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
	});
});
