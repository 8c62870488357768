import { describe, expect, it, vi } from "vitest";
import { api, expectProblem, present } from "./support/api";
import { runCron } from "./support/cron";
import { useClock } from "./support/dates";
import { listRange, sessionsOfPattern } from "./support/fixtures";
import type { Occurrence } from "./support/types";

useClock("2026-02-15T12:00:00Z");

const february = ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"] as const;
const brief = (sessions: (Occurrence | undefined)[]) =>
	sessions.map((session) => [session?.start_datetime, session?.status, session?.title]);

describe("a studio's yoga class, end to end", () => {
	it("is created, moved, handled by hand, extended by the cron and deleted with its history kept", async () => {
		// Tuesdays 07:30 in Paris from 2026-01-06, two months ahead: through 2026-04-14.
		const created = await api("POST", "/api/patterns", {
			body: {
				title: "Morning yoga",
				weekday: 1,
				time: "07:30",
				timezone: "Europe/Paris",
				start_date: "2026-01-06",
				months_ahead: 2,
			},
		});
		expect(created.status).toBe(201);
		expect(created.body.occurrences_created).toBe(15);
		const patternId = created.body.pattern.id;

		// The class moves to 08:00 from now on; January and early February stay at 07:30.
		const moved = await api("PATCH", `/api/patterns/${patternId}`, { body: { time: "08:00" } });
		expect(moved.body.time).toBe("08:00:00");
		const [feb3, feb10, feb17, feb24] = await listRange(...february);
		expect(brief([feb3, feb10, feb17, feb24])).toEqual([
			["2026-02-03T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-02-10T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-02-17T07:00:00Z", "scheduled", "Morning yoga"],
			["2026-02-24T07:00:00Z", "scheduled", "Morning yoga"],
		]);

		// The teacher completes last week's class, reschedules one and cancels another.
		await api("POST", `/api/occurrences/${present(feb10).id}/complete`);
		await api("PATCH", `/api/occurrences/${present(feb17).id}`, {
			body: { start_datetime: "2026-02-18T18:00:00+01:00", title: "Evening yoga" },
		});
		await api("DELETE", `/api/occurrences/${present(feb24).id}`);
		const openHouse = await api("POST", "/api/occurrences", {
			body: {
				title: "Open house",
				start_datetime: "2026-02-20T10:00:00+01:00",
				duration_minutes: 90,
			},
		});
		expect(openHouse.body.end_datetime).toBe("2026-02-20T10:30:00Z");

		expect(brief(await listRange(...february))).toEqual([
			["2026-02-03T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-02-10T06:30:00Z", "completed", "Morning yoga"],
			["2026-02-18T17:00:00Z", "scheduled", "Evening yoga"],
			["2026-02-20T09:00:00Z", "scheduled", "Open house"],
			["2026-02-24T07:00:00Z", "cancelled", "Morning yoga"],
		]);
		expect(brief(await listRange(...february, "scheduled"))).toEqual([
			["2026-02-03T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-02-18T17:00:00Z", "scheduled", "Evening yoga"],
			["2026-02-20T09:00:00Z", "scheduled", "Open house"],
		]);

		// A week later the cron stores five more Tuesdays, at 08:00 Paris summer time.
		vi.setSystemTime(new Date("2026-02-22T03:00:00Z"));
		const [report] = await runCron();
		expect(report).toMatchObject({ patterns_scanned: 1, occurrences_created: 5 });
		const sessions = await sessionsOfPattern(patternId);
		expect(sessions).toHaveLength(20);
		expect(sessions.at(-1)?.start_datetime).toBe("2026-05-19T06:00:00Z");

		// The class ends: the pattern goes, its history and hand-handled sessions stay.
		vi.setSystemTime(new Date("2026-03-01T12:00:00Z"));
		const deleted = await api("DELETE", `/api/patterns/${patternId}?delete_future=true`);
		expect(deleted.status).toBe(200);
		expectProblem(await api("GET", `/api/patterns/${patternId}`), 404);
		expect(brief(await sessionsOfPattern(patternId))).toEqual([
			["2026-01-06T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-01-13T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-01-20T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-01-27T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-02-03T06:30:00Z", "scheduled", "Morning yoga"],
			["2026-02-10T06:30:00Z", "completed", "Morning yoga"],
			["2026-02-18T17:00:00Z", "scheduled", "Evening yoga"],
			["2026-02-24T07:00:00Z", "cancelled", "Morning yoga"],
		]);
		expect((await api("GET", `/api/occurrences/${openHouse.body.id}`)).body).toEqual(
			openHouse.body,
		);
		const [after] = await runCron();
		expect(after).toMatchObject({ occurrences_created: 0 });
	});
});
