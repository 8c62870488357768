// Attendance once a session has started, what is not bookable, capacity raised on a pattern,
// and full sessions in the feed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, expectProblem, present } from "../support/api";
import { todayPlus } from "../support/dates";
import { createPattern } from "../support/fixtures";
import { book, checkInvariant, person, session, sessionWithSeats } from "./support";

afterEach(() => {
	vi.useRealTimers();
});

/** Moves the Worker's clock (Date only; timers stay real for D1) past `iso`. */
const clockAfter = (iso: string) =>
	vi.useFakeTimers({ toFake: ["Date"], now: Date.parse(iso) + 60_000 });

describe("PATCH /api/bookings/{id} attendance", () => {
	it("marks present or no_show once the session started, on confirmed bookings only, and clears", async () => {
		const { id } = await sessionWithSeats(1);
		const confirmed = await book(id, person());
		const waiting = await book(id, person());
		clockAfter(((await session(id)) as any).start_datetime);
		const present = await api("PATCH", `/api/bookings/${confirmed.body.id}`, {
			body: { attendance: "present" },
		});
		expect(present.status).toBe(200);
		expect(present.body.attendance).toBe("present");
		const noShow = await api("PATCH", `/api/bookings/${confirmed.body.id}`, {
			body: { attendance: "no_show" },
		});
		expect(noShow.body.attendance).toBe("no_show");
		const cleared = await api("PATCH", `/api/bookings/${confirmed.body.id}`, {
			body: { attendance: null },
		});
		expect(cleared.body.attendance).toBeNull();
		expectProblem(
			await api("PATCH", `/api/bookings/${waiting.body.id}`, { body: { attendance: "present" } }),
			409,
		);
		// A started session takes no bookings and no holds.
		expect(expectProblem(await book(id, person()), 409).type).toMatch(/\/not_bookable$/);
		expectProblem(await api("POST", `/api/occurrences/${id}/holds`, { body: { seats: 1 } }), 409);
	});

	it("keeps If-Match: a stale ETag is 412 and changes nothing", async () => {
		const { id } = await sessionWithSeats(2);
		const booking = await book(id, person());
		const etag = booking.headers.get("ETag") ?? "";
		expect(etag).toMatch(/^"b\d+\.1"$/);
		const renamed = await api("PATCH", `/api/bookings/${booking.body.id}`, {
			body: { name: "First" },
			headers: { "If-Match": etag },
		});
		expect(renamed.status).toBe(200);
		const stale = await api("PATCH", `/api/bookings/${booking.body.id}`, {
			body: { name: "Second" },
			headers: { "If-Match": etag },
		});
		expectProblem(stale, 412);
		expect((await api("GET", `/api/bookings/${booking.body.id}`)).body.name).toBe("First");
	});
});

describe("not bookable", () => {
	it("refuses a completed session with 409 not_bookable", async () => {
		const { id } = await sessionWithSeats(5);
		expect((await api("POST", `/api/occurrences/${id}/complete`)).status).toBe(200);
		expect(expectProblem(await book(id, person()), 409).type).toMatch(/\/not_bookable$/);
	});
});

describe("PATCH /api/patterns/{id} capacity", () => {
	it("raising it promotes the waitlists of its future sessions in the same write", async () => {
		const { pattern } = await createPattern({ capacity: 1, weekday: 3, start_date: todayPlus(1) });
		const range = await api(
			"GET",
			`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z`,
		);
		const id = present(range.body[0]).id;
		await book(id, person());
		const waiting = await book(id, person());
		expect(waiting.body.status).toBe("waitlisted");
		expect(
			(await api("PATCH", `/api/patterns/${pattern.id}`, { body: { capacity: 2 } })).status,
		).toBe(200);
		expect((await api("GET", `/api/bookings/${waiting.body.id}`)).body.status).toBe("confirmed");
		expect(await session(id)).toMatchObject({
			capacity: 2,
			booked: 2,
			waitlisted: 0,
			available: 0,
		});
		await checkInvariant(id);
	});
});

describe("feeds", () => {
	it("still show a full session", async () => {
		const { id } = await sessionWithSeats(1);
		await book(id, person());
		const feed = await api("GET", "/api/calendar.ics");
		expect(feed.status).toBe(200);
		expect(String(feed.body)).toContain(`UID:occurrence-${id}@calendar-api`);
	});
});
