import { describe, expect, it } from "vitest";
import { api } from "./support/api";
import { useClock } from "./support/dates";
import {
	CLASS_CLOCK,
	classWithHandledSessions,
	createPattern,
	sessionsOfPattern,
	startsOf,
	weeklyClass,
} from "./support/fixtures";

useClock(CLASS_CLOCK);

async function patchPattern(id: number, body: Record<string, unknown>) {
	const response = await api("PATCH", `/api/patterns/${id}`, { body });
	expect(response.status).toBe(200);
	return sessionsOfPattern(id);
}

describe("PATCH /api/patterns/{id} and its sessions", () => {
	it("copies title, description and duration to future unedited sessions in place", async () => {
		const { pattern, past, future, handled } = await classWithHandledSessions();
		const after = await patchPattern(pattern.id, {
			title: "Hatha yoga",
			description: "Room 2",
			duration_minutes: 90,
		});
		expect(after.slice(0, 6)).toEqual(past);
		expect(after[6]).toMatchObject({
			id: future?.id,
			title: "Hatha yoga",
			description: "Room 2",
			duration_minutes: 90,
			start_datetime: "2026-02-17T07:30:00Z",
			end_datetime: "2026-02-17T09:00:00Z",
			is_exception: false,
		});
		expect(after.slice(7)).toEqual(handled);
	});

	it("moves future unedited sessions to a new time and leaves the rest alone", async () => {
		const { pattern, past, handled } = await classWithHandledSessions();
		const after = await patchPattern(pattern.id, { time: "09:00" });
		expect(after.slice(0, 6)).toEqual(past);
		expect(after.filter((session) => handled.some((old) => old.id === session.id))).toEqual(
			handled,
		);
		// Days whose 07:30 session was edited, cancelled or completed by hand keep that session and
		// get no second one at 09:00: a cancelled class stays cancelled when the class moves.
		const moved = after.filter((session) => session.start_datetime.endsWith("09:00:00Z"));
		expect(startsOf(moved)).toEqual(["2026-02-17T09:00:00Z"]);
		expect(after).toHaveLength(past.length + 1 + handled.length);
		for (const session of moved) {
			expect(session).toMatchObject({
				original_start_datetime: session.start_datetime,
				status: "scheduled",
				is_exception: false,
			});
		}
	});

	it("moves future sessions to a new weekday", async () => {
		const { pattern } = await createPattern(weeklyClass);
		const after = await patchPattern(pattern.id, { weekday: 3 });
		expect(startsOf(after)).toEqual([
			"2026-01-06T07:30:00Z",
			"2026-01-13T07:30:00Z",
			"2026-01-20T07:30:00Z",
			"2026-01-27T07:30:00Z",
			"2026-02-03T07:30:00Z",
			"2026-02-10T07:30:00Z",
			"2026-02-19T07:30:00Z",
			"2026-02-26T07:30:00Z",
			"2026-03-05T07:30:00Z",
			"2026-03-12T07:30:00Z",
		]);
	});

	it("moves future sessions to the same wall-clock time in a new time zone", async () => {
		const { pattern } = await createPattern(weeklyClass);
		const after = await patchPattern(pattern.id, { timezone: "America/New_York" });
		// 07:30 in New York is 12:30Z until DST starts on 2026-03-08, then 11:30Z.
		expect(startsOf(after.slice(5))).toEqual([
			"2026-02-10T07:30:00Z",
			"2026-02-17T12:30:00Z",
			"2026-02-24T12:30:00Z",
			"2026-03-03T12:30:00Z",
			"2026-03-10T11:30:00Z",
		]);
		expect(after.at(-1)).toMatchObject({
			timezone: "America/New_York",
			start_local: "2026-03-10T07:30:00-04:00",
		});
	});

	it("drops future sessions past a new end_date and brings them back when it is cleared", async () => {
		const { pattern } = await createPattern(weeklyClass);
		const shortened = await patchPattern(pattern.id, { end_date: "2026-02-24" });
		expect(startsOf(shortened).slice(-3)).toEqual([
			"2026-02-10T07:30:00Z",
			"2026-02-17T07:30:00Z",
			"2026-02-24T07:30:00Z",
		]);
		const restored = await patchPattern(pattern.id, { end_date: null });
		expect(startsOf(restored).slice(-2)).toEqual(["2026-03-03T07:30:00Z", "2026-03-10T07:30:00Z"]);
	});

	it("never regenerates an edited, cancelled or completed slot", async () => {
		const { pattern, handled } = await classWithHandledSessions();
		await patchPattern(pattern.id, { time: "09:00" });
		const after = await patchPattern(pattern.id, { time: "07:30" });
		const slots = after.map((session) => session.original_start_datetime);
		expect(new Set(slots).size).toBe(slots.length);
		expect(after.filter((session) => session.start_datetime >= "2026-02-24")).toEqual(handled);
	});

	it("keeps the sessions of a pattern that is deactivated and reactivated", async () => {
		const { pattern } = await createPattern(weeklyClass);
		const before = await sessionsOfPattern(pattern.id);
		await patchPattern(pattern.id, { is_active: false });
		const after = await patchPattern(pattern.id, { is_active: true });
		// Reactivation also fills the Cron Trigger's horizon: Tuesdays through 2026-05-12.
		expect(after).toHaveLength(19);
		expect(after.slice(0, before.length).map((session) => session.id)).toEqual(
			before.map((session) => session.id),
		);
	});
});
