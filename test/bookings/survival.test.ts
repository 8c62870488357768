// Nothing loses a booking: pattern edits, deletes, reschedules, the cron and expiring holds.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../support/api";
import { runCron } from "../support/cron";
import { todayPlus } from "../support/dates";
import { createPattern } from "../support/fixtures";
import { book, checkInvariant, person, roster, session, sessionWithSeats } from "./support";

async function patternWithSeats(capacity: number) {
	const { pattern } = await createPattern({ capacity, weekday: 2, start_date: todayPlus(1) });
	const range = await api(
		"GET",
		`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(40)}T00:00:00Z`,
	);
	return { pattern, sessions: range.body as any[] };
}

describe("pattern writes keep booked sessions", () => {
	it("a new weekday moves unbooked sessions and keeps the booked one, named in the response", async () => {
		const { pattern, sessions } = await patternWithSeats(5);
		const booked = sessions[1];
		const booking = await book(booked.id, person());
		const moved = await api("PATCH", `/api/patterns/${pattern.id}`, { body: { weekday: 4 } });
		expect(moved.status).toBe(200);
		expect(moved.body.kept_booked_sessions).toEqual([booked.id]);
		const kept = await session(booked.id);
		expect(kept).toMatchObject({ booked: 1, start_datetime: booked.start_datetime });
		expect((await api("GET", `/api/bookings/${booking.body.id}`)).body).toMatchObject({
			status: "confirmed",
			occurrence_id: booked.id,
		});
		expect((await api("GET", `/api/occurrences/${sessions[0].id}`)).status).toBe(404);
	});

	it("a new title reaches booked sessions in place", async () => {
		const { pattern, sessions } = await patternWithSeats(5);
		await book(sessions[0].id, person());
		const renamed = await api("PATCH", `/api/patterns/${pattern.id}`, {
			body: { title: "Renamed" },
		});
		expect(renamed.body.kept_booked_sessions).toBeUndefined();
		expect((await session(sessions[0].id)) as any).toMatchObject({ title: "Renamed", booked: 1 });
	});

	it("delete keeps booked sessions and their bookings, and says which", async () => {
		const { pattern, sessions } = await patternWithSeats(5);
		const booking = await book(sessions[2].id, person());
		const removed = await api("DELETE", `/api/patterns/${pattern.id}`);
		expect(removed.status).toBe(200);
		expect(removed.body.kept_booked_sessions).toEqual([sessions[2].id]);
		expect((await api("GET", `/api/bookings/${booking.body.id}`)).body.status).toBe("confirmed");
		expect((await api("GET", `/api/occurrences/${sessions[0].id}`)).status).toBe(404);
	});

	it("the cron generates no second session next to a booked one", async () => {
		const { pattern, sessions } = await patternWithSeats(5);
		await book(sessions[0].id, person());
		await runCron({ horizonMonths: "4" });
		const after = await api(
			"GET",
			`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(40)}T00:00:00Z`,
		);
		expect(after.body.map((s: any) => s.id)).toEqual(sessions.map((s) => s.id));
	});
});

describe("rescheduling a session", () => {
	it("keeps its bookings", async () => {
		const { id } = await sessionWithSeats(2);
		const booking = await book(id, person());
		const moved = await api("PATCH", `/api/occurrences/${id}`, {
			body: { start_datetime: "2032-03-03T10:00:00Z" },
		});
		expect(moved.body.booked).toBe(1);
		expect(Date.parse(moved.body.start_datetime)).toBe(Date.UTC(2032, 2, 3, 10));
		expect((await roster(id)).map((b) => b.id)).toEqual([booking.body.id]);
	});
});

describe("expired holds", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("stop counting at expires_at: booking with one is 410, the next write or the cron promotes", async () => {
		const { id } = await sessionWithSeats(1);
		const hold = await api("POST", `/api/occurrences/${id}/holds`, {
			body: { seats: 1, ttl_seconds: 60 },
		});
		const waiting = await book(id, person());
		expect(waiting.body.status).toBe("waitlisted");
		vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
		const late = await book(id, { ...person(), hold_id: hold.body.id });
		expect(late.status).toBe(410);
		// That write settled the session: the hold ended, the waiting booking was promoted.
		expect((await api("GET", `/api/bookings/${waiting.body.id}`)).body.status).toBe("confirmed");
		await checkInvariant(id);
	});

	it("are swept by the cron, which promotes the waitlist", async () => {
		const { id } = await sessionWithSeats(2);
		await api("POST", `/api/occurrences/${id}/holds`, { body: { seats: 2, ttl_seconds: 60 } });
		const waiting = await book(id, person(2));
		expect(waiting.body.status).toBe("waitlisted");
		const later = new Date(Date.now() + 120_000).toISOString();
		const lines = await runCron({ at: later });
		expect(lines.some((line) => line.event === "hold_sweep")).toBe(true);
		expect(await session(id)).toMatchObject({ held: 0, booked: 2, waitlisted: 0 });
	});
});
