import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, present } from "./support/api";
import { runCron } from "./support/cron";
import { useClock } from "./support/dates";
import {
	CLASS_CLOCK,
	createPattern,
	emptyTables,
	sessionsOfPattern,
	startsOf,
	weeklyClass,
} from "./support/fixtures";

useClock(CLASS_CLOCK);
// The cron reports counts over every pattern, so each test starts from empty tables.
beforeEach(emptyTables);

/** Tuesdays at 07:30Z from 2026-01-06, stored without sessions: all of them are the cron's work. */
const ungenerated = (overrides: Record<string, unknown> = {}) =>
	createPattern({ ...weeklyClass, generate_occurrences: false, ...overrides });

describe("the Cron Trigger", () => {
	it("logs one JSON line with what it scanned and created", async () => {
		await ungenerated();
		await ungenerated({ weekday: 3 });
		const lines = await runCron();
		expect(lines).toEqual([
			{
				event: "materialize",
				trigger: "cron",
				horizon: "2026-05-16T00:00:00.000Z",
				patterns_scanned: 2,
				occurrences_created: 38,
				batches: 1,
				complete: true,
				duration_ms: expect.any(Number),
			},
		]);
	});

	it("generates from start_date, past sessions included, through today + HORIZON_MONTHS", async () => {
		const { pattern } = await ungenerated();
		const [report] = await runCron({ horizonMonths: "1" });
		expect(report).toMatchObject({ horizon: "2026-03-16T00:00:00.000Z", occurrences_created: 10 });
		const sessions = await sessionsOfPattern(pattern.id);
		expect(startsOf(sessions)).toHaveLength(10);
		expect(sessions[0]?.start_datetime).toBe("2026-01-06T07:30:00Z");
		expect(sessions[9]?.start_datetime).toBe("2026-03-10T07:30:00Z");
	});

	it("extends the stored sessions when HORIZON_MONTHS grows", async () => {
		const { pattern } = await ungenerated();
		await runCron({ horizonMonths: "1" });
		const [report] = await runCron({ horizonMonths: "6" });
		expect(report).toMatchObject({
			horizon: "2026-08-16T00:00:00.000Z",
			patterns_scanned: 1,
			occurrences_created: 22,
		});
		const sessions = await sessionsOfPattern(pattern.id);
		expect(sessions).toHaveLength(32);
		expect(sessions.at(-1)?.start_datetime).toBe("2026-08-11T07:30:00Z");
	});

	it("picks up one more week a week later", async () => {
		const { pattern } = await ungenerated();
		await runCron();
		vi.setSystemTime(new Date("2026-02-22T03:00:00Z"));
		const [report] = await runCron();
		expect(report).toMatchObject({ patterns_scanned: 1, occurrences_created: 1 });
		expect((await sessionsOfPattern(pattern.id)).at(-1)?.start_datetime).toBe(
			"2026-05-19T07:30:00Z",
		);
	});

	it("creates nothing and reads no pattern when run again", async () => {
		const { pattern } = await ungenerated();
		await runCron();
		const [again] = await runCron();
		expect(again).toMatchObject({ patterns_scanned: 0, occurrences_created: 0 });
		expect(await sessionsOfPattern(pattern.id)).toHaveLength(19);
	});

	it("creates no duplicates when two runs overlap", async () => {
		const { pattern } = await ungenerated();
		const reports = await runCron({ runs: 2 });
		expect(reports).toHaveLength(2);
		expect(reports.reduce((sum, report) => sum + report.occurrences_created, 0)).toBe(19);
		const slots = (await sessionsOfPattern(pattern.id)).map((s) => s.original_start_datetime);
		expect(slots).toHaveLength(19);
		expect(new Set(slots).size).toBe(19);
	});

	it("adds nothing to what POST /api/patterns already generated for the same horizon", async () => {
		await createPattern({ ...weeklyClass, months_ahead: 3 });
		const [report] = await runCron();
		expect(report).toMatchObject({ occurrences_created: 0 });
	});

	it("skips inactive patterns", async () => {
		const { pattern: inactive } = await ungenerated({ is_active: false });
		const { pattern: deactivated } = await ungenerated();
		await api("PATCH", `/api/patterns/${deactivated.id}`, { body: { is_active: false } });
		const [report] = await runCron();
		expect(report).toMatchObject({ patterns_scanned: 0, occurrences_created: 0 });
		expect(await sessionsOfPattern(inactive.id)).toEqual([]);
		expect(await sessionsOfPattern(deactivated.id)).toEqual([]);
	});

	it("stops at end_date and forgets a finished series", async () => {
		const { pattern } = await ungenerated({ end_date: "2026-04-07" });
		const [first] = await runCron();
		expect(first).toMatchObject({ occurrences_created: 14 });
		expect((await sessionsOfPattern(pattern.id)).at(-1)?.start_datetime).toBe(
			"2026-04-07T07:30:00Z",
		);
		vi.setSystemTime(new Date("2026-06-01T03:00:00Z"));
		const [later] = await runCron();
		expect(later).toMatchObject({ patterns_scanned: 0, occurrences_created: 0 });
	});

	it("never generates a moved, cancelled or completed slot again", async () => {
		const { pattern } = await ungenerated();
		await runCron({ horizonMonths: "1" });
		const [moved, cancelled, completed] = (await sessionsOfPattern(pattern.id)).slice(7);
		await api("PATCH", `/api/occurrences/${present(moved).id}`, {
			body: { start_datetime: "2026-02-25T18:00:00Z" },
		});
		await api("DELETE", `/api/occurrences/${present(cancelled).id}`);
		await api("POST", `/api/occurrences/${present(completed).id}/complete`);
		await runCron({ horizonMonths: "3" });
		await runCron({ horizonMonths: "3", runs: 2 });
		const slots = (await sessionsOfPattern(pattern.id)).map((s) => s.original_start_datetime);
		expect(slots).toHaveLength(19);
		expect(new Set(slots).size).toBe(19);
	});

	it("leaves one session per slot, at the new time, when a pattern edit races it", async () => {
		const { pattern } = await ungenerated();
		await runCron({ horizonMonths: "1" });
		await Promise.all([
			runCron({ horizonMonths: "3" }),
			api("PATCH", `/api/patterns/${pattern.id}`, { body: { time: "09:00" } }),
		]);
		// Whichever won, a later run completes the horizon with the new rule only.
		await runCron({ horizonMonths: "3" });
		const sessions = await sessionsOfPattern(pattern.id);
		const future = sessions.filter((session) => session.start_datetime > CLASS_CLOCK);
		expect(sessions).toHaveLength(19);
		expect(future.map((session) => session.start_datetime.slice(10))).toEqual(
			Array(13).fill("T09:00:00Z"),
		);
	});
});
