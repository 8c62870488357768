// What the hot statements do inside SQLite, checked on the exact SQL and parameters the worker sends
// (recorded at the D1 binding), so these tests cannot drift from the code.
import {
	createExecutionContext,
	createScheduledController,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALL_CALENDARS } from "../src/db/calendar-scope";
import { createDb } from "../src/db/client";
import worker from "../src/index";
import { listOccurrences } from "../src/occurrences/service";
import { present } from "./support/api";
import {
	fetchRecorded,
	type RecordedStatement,
	recordingD1,
	recordingEnv,
} from "./support/d1-recorder";
import { todayPlus } from "./support/dates";
import type { Occurrence } from "./support/types";

async function planOf(statement: RecordedStatement): Promise<string[]> {
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
		.bind(...statement.params)
		.all<{ detail: string }>();
	return results.map((row) => row.detail);
}

/** Plan lines of every recorded statement that reads occurrences, one array per statement. */
async function occurrencePlans(log: RecordedStatement[]) {
	const plans = await Promise.all(log.map(planOf));
	return plans.map((plan) => plan.filter((line) => /\boccurrences\b/.test(line)));
}

/** Every way SQLite can read a table without walking all of it. */
const indexed = /^SEARCH occurrences USING (COVERING INDEX \w+|INDEX \w+|INTEGER PRIMARY KEY) \(/;

function expectIndexedOnly(plans: string[][], index: string | RegExp) {
	const lines = plans.flat();
	expect(lines.length).toBeGreaterThan(0);
	for (const line of lines) expect(line).toMatch(indexed);
	expect(lines.some((line) => line.match(index))).toBe(true);
}

const week = (fromDays: number) => {
	const start = new Date(`${todayPlus(fromDays)}T00:00:00Z`).toISOString();
	const end = new Date(`${todayPlus(fromDays + 7)}T00:00:00Z`).toISOString();
	return `start=${start}&end=${end}`;
};

async function seedPattern(log: RecordedStatement[], overrides: Record<string, unknown> = {}) {
	const created = await fetchRecorded(log, "POST", "/api/patterns", {
		title: "Plan check",
		weekdays: [0, 2, 4],
		time: "18:00",
		timezone: "America/New_York",
		start_date: todayPlus(-10),
		...overrides,
	});
	return created.pattern as { id: number };
}

describe("EXPLAIN QUERY PLAN: no hot statement walks the occurrences table", () => {
	it("range queries seek the start_at index and the long-session index", async () => {
		await seedPattern([]);
		const log: RecordedStatement[] = [];
		const first = await fetchRecorded(log, "GET", `/api/occurrences?${week(1)}&limit=2`);
		expect(first).toHaveLength(2);
		await fetchRecorded(log, "GET", `/api/occurrences?${week(1)}&status=scheduled,completed`);
		expect(log).toHaveLength(2);
		expectIndexedOnly(await occurrencePlans(log), /occurrences_long_start_idx/);
		expectIndexedOnly(await occurrencePlans(log), /occurrences_start_idx/);
	});

	it("a series query and a later page seek their own index ranges", async () => {
		const pattern = await seedPattern([]);
		const seriesLog: RecordedStatement[] = [];
		const series = await fetchRecorded(
			seriesLog,
			"GET",
			`/api/patterns/${pattern.id}/occurrences?${week(-7)}`,
		);
		expect(series.length).toBeGreaterThanOrEqual(3);
		expectIndexedOnly(
			await occurrencePlans(seriesLog),
			/occurrences_pattern_start_idx \(pattern_id=\? AND/,
		);
		// A page that resumes inside the window: its cursor is the scan's one lower bound.
		const pageLog: RecordedStatement[] = [];
		const start = Date.parse(`${todayPlus(0)}T00:00:00Z`);
		const [, , third] = await listOccurrences(createDb(env.DB), {
			start,
			end: start + 30 * 86_400_000,
			limit: 100,
			scope: ALL_CALENDARS,
		});
		await listOccurrences(createDb(recordingD1(env.DB, pageLog)), {
			start,
			end: start + 30 * 86_400_000,
			after: { startAt: third?.startAt ?? 0, id: third?.id ?? 0 },
			limit: 100,
			scope: ALL_CALENDARS,
		});
		expectIndexedOnly(await occurrencePlans(pageLog), /occurrences_start_idx \(start_at>\?/);
	});

	it("one session by id: read, edit, complete, cancel", async () => {
		const pattern = await seedPattern([]);
		const [session, other] = await fetchRecorded(
			[],
			"GET",
			`/api/occurrences?${week(1)}&limit=500`,
		).then((rows: Occurrence[]) => rows.filter((row) => row.pattern_id === pattern.id));
		const log: RecordedStatement[] = [];
		await fetchRecorded(log, "GET", `/api/occurrences/${present(session).id}`);
		await fetchRecorded(log, "PATCH", `/api/occurrences/${present(session).id}`, {
			title: "Moved",
		});
		await fetchRecorded(log, "POST", `/api/occurrences/${present(session).id}/complete`);
		await fetchRecorded(log, "DELETE", `/api/occurrences/${present(other).id}`);
		// Each write also moves the calendar's version, by its primary key, in the same batch.
		const bumps = log.filter((entry) => /^update "calendars"/i.test(entry.sql));
		expect(bumps).toHaveLength(3);
		// The cancel also ends the session's bookings and holds (two statements, same batch),
		// and appends its change row and that change's webhook deliveries (src/changes/record.ts).
		const feed = log.filter((entry) =>
			/^insert into "(changes|webhook_deliveries)"/i.test(entry.sql),
		);
		expect(feed).toHaveLength(6);
		expect(log).toHaveLength(9 + 6);
		expectIndexedOnly(await occurrencePlans(log), /INTEGER PRIMARY KEY \(rowid=\?\)/);
	});

	it("pattern edits and deletes touch future sessions through (pattern_id, start_at)", async () => {
		const pattern = await seedPattern([]);
		const log: RecordedStatement[] = [];
		await fetchRecorded(log, "PATCH", `/api/patterns/${pattern.id}`, { title: "Renamed" });
		await fetchRecorded(log, "PATCH", `/api/patterns/${pattern.id}`, { time: "19:30" });
		await fetchRecorded(log, "DELETE", `/api/patterns/${pattern.id}`);
		const followUps = log.filter((entry) => /^(update|delete from) "occurrences"/i.test(entry.sql));
		expect(followUps).toHaveLength(3);
		expectIndexedOnly(
			await occurrencePlans(followUps),
			/occurrences_pattern_start_idx \(pattern_id=\? AND start_at>\?\)/,
		);
	});

	it("the cron finds due patterns through the partial index patterns_due_idx", async () => {
		await seedPattern([], { generate_occurrences: false, title: "Due" });
		const log: RecordedStatement[] = [];
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController(), recordingEnv(log), ctx);
		await waitOnExecutionContext(ctx);
		const scans = log.filter((entry) => /^select .* from "patterns"/i.test(entry.sql));
		expect(scans.length).toBeGreaterThan(0);
		for (const scan of scans) {
			const plan = await planOf(scan);
			expect(plan).toEqual([
				expect.stringMatching(/^SEARCH patterns USING INDEX patterns_due_idx/),
			]);
		}
		for (const lines of await occurrencePlans(log)) {
			for (const line of lines) expect(line).toMatch(indexed);
		}
	});
});

/** Rows in a multi-row VALUES list ("values (?, ?), (?, ?)"); 0 for INSERT … SELECT. */
const valuesRows = (sql: string) => {
	const values = /\bvalues\s*(\(.*)$/is.exec(sql)?.[1];
	return values === undefined ? 0 : values.split(/\)\s*,\s*\(/).length;
};

describe("bound parameters", () => {
	it("keeps every statement under D1's 100 and packs multi-row inserts full", async () => {
		const log: RecordedStatement[] = [];
		const pattern = await seedPattern(log);
		await seedPattern(log, { generate_occurrences: false, months_ahead: 12 });
		await fetchRecorded(log, "PATCH", `/api/patterns/${pattern.id}`, { time: "07:00" });
		await fetchRecorded(log, "POST", "/api/occurrences", {
			title: "Open house",
			start_datetime: "2030-02-14T10:00:00Z",
		});
		await fetchRecorded(log, "POST", "/api/keys", { name: "Kiosk", scopes: ["read"] });
		await fetchRecorded(log, "POST", "/api/jobs/materialize", { months_ahead: 12 });
		const inserts = log.filter((entry) => /^insert\b/i.test(entry.sql));
		expect(inserts.length).toBeGreaterThanOrEqual(5);
		for (const entry of log) expect(entry.params.length).toBeLessThan(100);
		for (const [at, entry] of inserts.entries()) {
			const rows = valuesRows(entry.sql);
			if (rows <= 1) continue;
			// A multi-row insert may only be short of a full statement if it is the last of its run.
			const width = entry.params.length / rows;
			const table = /^insert into "(\w+)"/i.exec(entry.sql)?.[1];
			const next = inserts[at + 1];
			const isLast = !next || /^insert into "(\w+)"/i.exec(next.sql)?.[1] !== table;
			if (!isLast) expect(entry.params.length + width).toBeGreaterThan(100);
		}
		// Bulk slot inserts bind one JSON array, whatever their size.
		const bulk = inserts.filter((entry) => /json_each/.test(entry.sql));
		expect(bulk.length).toBeGreaterThanOrEqual(3);
		for (const entry of bulk) expect(entry.params.length).toBeLessThanOrEqual(3);
	});
});
