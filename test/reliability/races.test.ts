// Races: many requests and cron runs in flight at once (Promise.all over the Worker's real entry
// points), then the stored calendar is checked with SQL. Each round seeds its own patterns.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { horizonEnd } from "../../src/recurrence";
import { type ApiResponse, api } from "../support/api";
import { runCron } from "../support/cron";
import { todayPlus } from "../support/dates";
import { createOneTime, createPattern } from "../support/fixtures";
import { calendarViolations } from "../support/invariants";

// Each test here makes dozens of concurrent requests per round. With every suite running at once
// on 2 cores, that can take longer than vitest's 5 s default.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const HORIZON_MONTHS = Number(env.HORIZON_MONTHS);

async function firstSessions(patternId: number, count: number): Promise<number[]> {
	const { results } = await env.DB.prepare(
		"SELECT id FROM occurrences WHERE pattern_id = ? ORDER BY start_at LIMIT ?",
	)
		.bind(patternId, count)
		.all<{ id: number }>();
	return results.map((row) => row.id);
}

async function row(table: "patterns" | "occurrences", id: number) {
	return env.DB.prepare(`SELECT * FROM ${table} WHERE id = ?`)
		.bind(id)
		.first<Record<string, number | string | null>>();
}

const statuses = (responses: ApiResponse[]) => responses.map((response) => response.status).sort();

beforeAll(() => {
	vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(() => {
	vi.restoreAllMocks();
});

describe("cron runs racing pattern and session edits", () => {
	it.each([1, 2, 3, 4, 5])(
		"round %i: nothing duplicated, lost or left on a wrong series",
		async (round) => {
			const tag = `Race ${round}`;
			// Some patterns wait for the cron (nothing generated yet), some are already generated.
			const waiting = await Promise.all(
				[0, 1, 2].map((i) =>
					createPattern({
						title: `${tag} waiting ${i}`,
						weekday: undefined,
						weekdays: [i, i + 2],
						start_date: todayPlus(1),
						generate_occurrences: false,
					}),
				),
			);
			const generated = await Promise.all(
				[0, 1, 2, 3].map((i) =>
					createPattern({
						title: `${tag} live ${i}`,
						weekday: undefined,
						weekdays: [i, 5],
						start_date: todayPlus(1),
						months_ahead: 2,
					}),
				),
			);
			const [a, b, c, d] = generated.map((g) => g.pattern.id as number) as [
				number,
				number,
				number,
				number,
			];
			const [aSessions, bSessions, cSessions] = await Promise.all([
				firstSessions(a, 4),
				firstSessions(b, 2),
				firstSessions(c, 2),
			]);
			const oneTime = await createOneTime({ title: `${tag} one-time` });
			const now = Date.now();

			const sessionEdit = (id: number, title: string) =>
				api("PATCH", `/api/occurrences/${id}`, { body: { title, duration_minutes: 45 } });
			// Every request and run starts here, before any is awaited.
			const named = {
				// Three edits of disjoint fields of pattern a: all three must survive.
				aTitle: api("PATCH", `/api/patterns/${a}`, { body: { title: `${tag} a renamed` } }),
				aTime: api("PATCH", `/api/patterns/${a}`, { body: { time: "20:45", weekdays: [2, 4] } }),
				aDuration: api("PATCH", `/api/patterns/${a}`, { body: { duration_minutes: 75 } }),
				editA0: sessionEdit(aSessions[0] as number, `${tag} a0 edited`),
				editA1: sessionEdit(aSessions[1] as number, `${tag} a1 edited`),
				cancelA2: api("DELETE", `/api/occurrences/${aSessions[2]}`),
				completeA3: api("POST", `/api/occurrences/${aSessions[3]}/complete`),
				bMove: api("PATCH", `/api/patterns/${b}`, {
					body: { timezone: "Asia/Tokyo", interval: 2 },
				}),
				editB0: sessionEdit(bSessions[0] as number, `${tag} b0 edited`),
				deleteC: api("DELETE", `/api/patterns/${c}`),
				editC0: sessionEdit(cSessions[0] as number, `${tag} c0 edited`),
				deactivateD: api("DELETE", `/api/patterns/${d}?delete_future=false`),
				moveOneTime: api("PATCH", `/api/occurrences/${oneTime.id}`, {
					body: { start_datetime: "2031-01-01T09:00:00Z" },
				}),
				job: api("POST", "/api/jobs/materialize", { body: {} }),
				longerJob: api("POST", "/api/jobs/materialize", { body: { months_ahead: 4 } }),
				renameWaiting: api("PATCH", `/api/patterns/${waiting[0]?.pattern.id}`, {
					body: { title: `${tag} waiting renamed` },
				}),
				moveWaiting: api("PATCH", `/api/patterns/${waiting[1]?.pattern.id}`, {
					body: { weekdays: [6] },
				}),
			};
			await Promise.all([
				...Object.values(named),
				runCron({ at: now }),
				runCron({ at: now }),
				runCron({ at: now + 86_400_000 }),
			]);
			const responses = await Promise.all(Object.values(named));
			const settled = Object.fromEntries(
				Object.keys(named).map((name, i) => [name, responses[i]]),
			) as Record<keyof typeof named, ApiResponse>;
			const { aTitle, aTime, aDuration, editA0, editA1, cancelA2, completeA3 } = settled;
			const { bMove, editB0, deleteC, editC0, deactivateD } = settled;
			for (const response of responses) {
				expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
			}

			// Pattern edits without If-Match retry a lost race: every one is applied.
			expect(statuses([aTitle, aTime, aDuration, bMove, deleteC, deactivateD])).toEqual([
				200, 200, 200, 200, 200, 200,
			]);
			expect(await row("patterns", a)).toMatchObject({
				title: `${tag} a renamed`,
				time: "20:45:00",
				weekdays: "[2,4]",
				duration_minutes: 75,
				version: 4,
			});

			// A session edit either wins (and stays an exception, untouched by later pattern edits)
			// or finds its session already replaced by the pattern's new slots (404): never lost.
			for (const [edit, id, title] of [
				[editA0, aSessions[0], `${tag} a0 edited`],
				[editA1, aSessions[1], `${tag} a1 edited`],
				[editB0, bSessions[0], `${tag} b0 edited`],
				[editC0, cSessions[0], `${tag} c0 edited`],
			] as const) {
				const stored = await row("occurrences", id as number);
				if (edit.status === 200) {
					expect(stored).toMatchObject({ title, is_exception: 1, duration_minutes: 45 });
				} else {
					expect(edit.status).toBe(404);
					expect(stored).toBeNull();
				}
			}
			for (const [transition, id, status] of [
				[cancelA2, aSessions[2], "cancelled"],
				[completeA3, aSessions[3], "completed"],
			] as const) {
				const stored = await row("occurrences", id as number);
				if (transition.status === 200) expect(stored?.status).toBe(status);
				else expect([transition.status, stored]).toEqual([404, null]);
			}
			expect((await row("occurrences", oneTime.id))?.start_at).toBe(Date.UTC(2031, 0, 1, 9));

			expect(await calendarViolations()).toEqual([]);
			// One more run (the at-least-once cron) completes everything, duplicating nothing.
			const later = Date.now();
			await runCron({ at: later });
			expect(await calendarViolations({ horizon: horizonEnd(later, HORIZON_MONTHS) })).toEqual([]);
		},
	);
});

describe("racing If-Match writes", () => {
	it("lets exactly one of eight PATCHes of a pattern win", async () => {
		const { pattern } = await createPattern({ title: "If-Match race", start_date: todayPlus(1) });
		const responses = await Promise.all(
			Array.from({ length: 8 }, (_, i) =>
				api("PATCH", `/api/patterns/${pattern.id}`, {
					body: { title: `writer ${i}`, time: `1${i}:00` },
					headers: { "If-Match": `"p${pattern.id}.1"` },
				}),
			),
		);
		expect(statuses(responses)).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
		const winner = responses.find((response) => response.status === 200);
		const stored = await row("patterns", pattern.id);
		expect(stored).toMatchObject({
			title: winner?.body.title,
			time: winner?.body.time,
			version: 2,
		});
		for (const loser of responses.filter((response) => response.status === 412)) {
			expect(loser.headers.get("Content-Type")).toBe("application/problem+json");
		}
		expect(await calendarViolations()).toEqual([]);
	});

	it("lets exactly one of eight writes to a session win, whatever each one does", async () => {
		const session = await createOneTime({ title: "Contested" });
		const ifMatch = { "If-Match": `"o${session.id}.1"` };
		const responses = await Promise.all([
			...Array.from({ length: 5 }, (_, i) =>
				api("PATCH", `/api/occurrences/${session.id}`, {
					body: { title: `editor ${i}` },
					headers: ifMatch,
				}),
			),
			api("DELETE", `/api/occurrences/${session.id}`, { headers: ifMatch }),
			api("POST", `/api/occurrences/${session.id}/complete`, { headers: ifMatch }),
			api("POST", `/api/occurrences/${session.id}/complete`, { headers: ifMatch }),
		]);
		expect(statuses(responses).filter((status) => status === 200)).toHaveLength(1);
		expect(
			statuses(responses)
				.filter((status) => status !== 200)
				.every((status) => status === 412 || status === 409),
		).toBe(true);
		expect((await row("occurrences", session.id))?.version).toBe(2);
	});

	it("lets a DELETE and a PATCH of the same pattern version not both win", async () => {
		const { pattern } = await createPattern({ title: "Delete or edit", start_date: todayPlus(1) });
		const ifMatch = { "If-Match": `"p${pattern.id}.1"` };
		const [removed, edited] = await Promise.all([
			api("DELETE", `/api/patterns/${pattern.id}`, { headers: ifMatch }),
			api("PATCH", `/api/patterns/${pattern.id}`, { body: { time: "21:00" }, headers: ifMatch }),
		]);
		expect(statuses([removed, edited])).toEqual([200, 412].sort());
		const stored = await row("patterns", pattern.id);
		if (removed.status === 200) expect(stored).toMatchObject({ time: "07:30:00", version: 2 });
		else expect(stored).toMatchObject({ time: "21:00:00", deleted_at: null, version: 2 });
		expect(await calendarViolations()).toEqual([]);
	});
});

describe("racing Idempotency-Key retries", () => {
	it("creates one pattern for eight simultaneous sends of one keyed request", async () => {
		const body = { title: "Keyed race", weekday: 3, time: "12:00", start_date: todayPlus(1) };
		const responses = await Promise.all(
			Array.from({ length: 8 }, () =>
				api("POST", "/api/patterns", { body, headers: { "Idempotency-Key": "keyed-race" } }),
			),
		);
		const { results } = await env.DB.prepare(
			"SELECT id FROM patterns WHERE title = 'Keyed race'",
		).all<{ id: number }>();
		expect(results).toHaveLength(1);
		const created = responses.filter((response) => response.status === 201);
		expect(created.length).toBeGreaterThanOrEqual(1);
		for (const response of created) expect(response.body.pattern.id).toBe(results[0]?.id);
		for (const response of responses.filter((r) => r.status !== 201)) {
			expect(response.status).toBe(409);
			expect(response.headers.get("Retry-After")).toBe("1");
		}
		// Once settled, every retry replays the one response.
		const replay = await api("POST", "/api/patterns", {
			body,
			headers: { "Idempotency-Key": "keyed-race" },
		});
		expect(replay.status).toBe(201);
		expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
		expect(replay.body.pattern.id).toBe(results[0]?.id);
	});

	it("creates one session when the same key races with different bodies", async () => {
		const responses = await Promise.all(
			["A", "B", "C", "D"].map((letter) =>
				api("POST", "/api/occurrences", {
					body: { title: `Keyed one-time ${letter}`, start_datetime: "2032-03-03T10:00:00Z" },
					headers: { "Idempotency-Key": "keyed-bodies" },
				}),
			),
		);
		const { results } = await env.DB.prepare(
			"SELECT title FROM occurrences WHERE title LIKE 'Keyed one-time %'",
		).all();
		expect(results).toHaveLength(1);
		expect(statuses(responses).filter((status) => status === 201)).toHaveLength(1);
		expect(statuses(responses).every((status) => [201, 409, 422].includes(status))).toBe(true);
	});
});

describe("concurrent cron runs alone", () => {
	it("materialize every slot once, however many run at once", async () => {
		const seeded = await Promise.all(
			[0, 1, 2, 3, 4, 5].map((i) =>
				createPattern({
					title: `Cron crowd ${i}`,
					weekday: undefined,
					weekdays: [i],
					start_date: todayPlus(2),
					generate_occurrences: false,
				}),
			),
		);
		const now = Date.now();
		await Promise.all([
			runCron({ at: now }),
			runCron({ at: now }),
			runCron({ at: now }),
			api("POST", "/api/jobs/materialize"),
			runCron({ at: now }),
		]);
		expect(await calendarViolations({ horizon: horizonEnd(now, HORIZON_MONTHS) })).toEqual([]);
		for (const { pattern } of seeded) {
			const { results } = await env.DB.prepare(
				"SELECT count(*) AS n, count(DISTINCT start_at) AS distinct_starts FROM occurrences WHERE pattern_id = ?",
			)
				.bind(pattern.id)
				.all<{ n: number; distinct_starts: number }>();
			expect(results[0]?.n).toBeGreaterThanOrEqual(12);
			expect(results[0]?.n).toBe(results[0]?.distinct_starts);
		}
	});
});
