import { describe, expect, it } from "vitest";
import { api, expectProblem, present } from "../support/api";
import { todayPlus } from "../support/dates";
import { createPattern } from "../support/fixtures";
import { book, checkInvariant, person, roster, session, sessionWithSeats } from "./support";

describe("capacity on sessions", () => {
	it("shows capacity, booked, held, waitlisted and available on every session", async () => {
		const created = await sessionWithSeats(20);
		expect(created).toMatchObject({
			capacity: 20,
			booked: 0,
			held: 0,
			waitlisted: 0,
			available: 20,
		});
		const unlimited = await sessionWithSeats(null);
		expect(unlimited).toMatchObject({ capacity: null, available: null });
	});

	it("takes a pattern's capacity at materialization and on PATCH, except sessions with their own", async () => {
		const { pattern } = await createPattern({ capacity: 12, start_date: todayPlus(1) });
		expect(pattern).toMatchObject({ capacity: 12, waitlist: true });
		const range = await api(
			"GET",
			`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(60)}T00:00:00Z`,
		);
		expect(range.status).toBe(200);
		const sessions = range.body as any[];
		expect(sessions.length).toBeGreaterThan(3);
		expect(sessions.every((s) => s.capacity === 12 && s.available === 12)).toBe(true);
		const own = sessions[0];
		expect(
			(await api("PATCH", `/api/occurrences/${own.id}`, { body: { capacity: 3 } })).status,
		).toBe(200);
		const patched = await api("PATCH", `/api/patterns/${pattern.id}`, { body: { capacity: 30 } });
		expect(patched.status).toBe(200);
		expect(patched.body.capacity).toBe(30);
		expect((await session(own.id)).capacity).toBe(3);
		expect((await session(sessions[1].id)).capacity).toBe(30);
	});

	it("rejects capacity 0 and 10001 with 400", async () => {
		const created = await sessionWithSeats(5);
		for (const capacity of [0, 10_001, "5", 1.5]) {
			const response = await api("PATCH", `/api/occurrences/${created.id}`, { body: { capacity } });
			expectProblem(response, 400);
		}
	});
});

describe("POST /api/occurrences/{id}/bookings", () => {
	it("confirms while seats fit, then waitlists in line order", async () => {
		const { id } = await sessionWithSeats(3);
		const first = await book(id, person(2));
		expect(first.status).toBe(201);
		expect(first.body).toMatchObject({ status: "confirmed", seats: 2, waitlist_position: null });
		expect(first.body.manage_token).toEqual(expect.any(String));
		expect(first.headers.get("Location")).toBe(`/api/bookings/${first.body.id}`);
		const second = await book(id, person(2));
		expect(second.body).toMatchObject({ status: "waitlisted", waitlist_position: 1 });
		const third = await book(id, person(1));
		expect(third.body).toMatchObject({ status: "confirmed" });
		const fourth = await book(id, person(1));
		expect(fourth.body).toMatchObject({ status: "waitlisted", waitlist_position: 2 });
		expect(await session(id)).toMatchObject({ booked: 3, waitlisted: 3, available: 0 });
		const list = await roster(id);
		expect(list.map((b) => b.id)).toEqual([
			first.body.id,
			third.body.id,
			second.body.id,
			fourth.body.id,
		]);
		await checkInvariant(id);
	});

	it("answers 409 full when the session keeps no waitlist", async () => {
		const { pattern } = await createPattern({
			capacity: 1,
			waitlist: false,
			start_date: todayPlus(1),
		});
		const range = await api(
			"GET",
			`/api/patterns/${pattern.id}/occurrences?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(30)}T00:00:00Z`,
		);
		const id = present(range.body[0]).id;
		expect((await book(id, person())).status).toBe(201);
		const refused = await book(id, person());
		expect(expectProblem(refused, 409).type).toMatch(/\/full$/);
		await checkInvariant(id);
	});

	it("answers 409 already_booked naming the existing booking, whatever the address's case", async () => {
		const { id } = await sessionWithSeats(5);
		const first = await book(id, { name: "Ada", email: "ada.dup@example.com" });
		const again = await book(id, { name: "Ada", email: "ADA.Dup@Example.com" });
		const problem = expectProblem(again, 409);
		expect(problem.type).toMatch(/\/already_booked$/);
		expect((problem as any).booking_id).toBe(first.body.id);
		expect((await session(id)).booked).toBe(1);
	});

	it("answers 409 not_bookable on a cancelled session and cancels its bookings with it", async () => {
		const { id } = await sessionWithSeats(1);
		const confirmed = await book(id, person());
		const waiting = await book(id, person());
		expect((await api("DELETE", `/api/occurrences/${id}`)).status).toBe(200);
		const refused = await book(id, person());
		expect(expectProblem(refused, 409).type).toMatch(/\/not_bookable$/);
		for (const booking of [confirmed.body, waiting.body]) {
			const got = await api("GET", `/api/bookings/${booking.id}`);
			expect(got.body).toMatchObject({
				status: "cancelled",
				cancel_reason: "session_cancelled",
				waitlist_position: null,
			});
		}
		expect(await session(id)).toMatchObject({ status: "cancelled", booked: 0, waitlisted: 0 });
	});

	it("rejects hostile input with 4xx problems", async () => {
		const { id } = await sessionWithSeats(5);
		for (const body of [
			{ name: "A", email: "a@example.com", seats: 0 },
			{ name: "A", email: "a@example.com", seats: 11 },
			{ name: "A", email: "a@example.com", seats: "2" },
			{ name: "A", email: "not-an-email" },
			{ name: "A", email: "a@@example.com" },
			{ name: "", email: "a@example.com" },
			{ email: "a@example.com" },
		]) {
			expectProblem(await book(id, body), 400);
		}
		expectProblem(await book(999_999, person()), 404);
		expectProblem(await api("POST", "/api/occurrences/abc/bookings", { body: person() }), 404);
		expect((await session(id)).booked).toBe(0);
	});

	it("books once for a retried POST with the same Idempotency-Key", async () => {
		const { id } = await sessionWithSeats(5);
		const body = person();
		const headers = { "Idempotency-Key": `book-${id}` };
		const first = await book(id, body, headers);
		const retry = await book(id, body, headers);
		expect(first.status).toBe(201);
		expect(retry.status).toBe(201);
		expect(retry.body.id).toBe(first.body.id);
		expect((await roster(id)).length).toBe(1);
		expect((await session(id)).booked).toBe(1);
	});
});

describe("DELETE /api/bookings/{id}", () => {
	it("frees seats and promotes the waitlist first come, first served, each party that fits", async () => {
		const { id } = await sessionWithSeats(3);
		const a = await book(id, person(2));
		const b = await book(id, person(1));
		const c = await book(id, person(3)); // waits: 1
		const d = await book(id, person(2)); // waits: 2
		const e = await book(id, person(1)); // waits: 3
		const cancelled = await api("DELETE", `/api/bookings/${a.body.id}`);
		expect(cancelled.status).toBe(200);
		expect(cancelled.body.booking).toMatchObject({ status: "cancelled", cancel_reason: "staff" });
		// 2 seats free: c (3) does not fit, d (2) does; then nothing is left for e.
		const byId = new Map((await roster(id)).map((row) => [row.id, row]));
		expect(byId.get(d.body.id)).toMatchObject({ status: "confirmed", waitlist_position: null });
		expect(byId.get(c.body.id)).toMatchObject({ status: "waitlisted", waitlist_position: 1 });
		expect(byId.get(e.body.id)).toMatchObject({ status: "waitlisted", waitlist_position: 2 });
		expect(byId.get(b.body.id)?.status).toBe("confirmed");
		await checkInvariant(id);
		expectProblem(await api("DELETE", `/api/bookings/${a.body.id}`), 409);
	});

	it("closes the gap when a waitlisted booking is cancelled", async () => {
		const { id } = await sessionWithSeats(1);
		await book(id, person());
		const w1 = await book(id, person());
		const w2 = await book(id, person());
		const w3 = await book(id, person());
		await api("DELETE", `/api/bookings/${w2.body.id}`);
		const waiting = await roster(id, "waitlisted");
		expect(waiting.map((row) => [row.id, row.waitlist_position])).toEqual([
			[w1.body.id, 1],
			[w3.body.id, 2],
		]);
		await checkInvariant(id);
	});

	it("works with the manage_token and no API key, for that booking only", async () => {
		const { id } = await sessionWithSeats(2);
		const mine = await book(id, person());
		const other = await book(id, person());
		const token = mine.body.manage_token;
		const got = await api("GET", `/api/bookings/${mine.body.id}?token=${token}`, { token: null });
		expect(got.status).toBe(200);
		expect(got.body.id).toBe(mine.body.id);
		expectProblem(
			await api("GET", `/api/bookings/${other.body.id}?token=${token}`, { token: null }),
			404,
		);
		expectProblem(
			await api("PATCH", `/api/bookings/${mine.body.id}?token=${token}`, {
				token: null,
				body: { name: "X" },
			}),
			401,
		);
		expectProblem(
			await api("GET", `/api/occurrences/${id}/bookings?token=${token}`, { token: null }),
			401,
		);
		const cancelled = await api("DELETE", `/api/bookings/${mine.body.id}?token=${token}`, {
			token: null,
		});
		expect(cancelled.status).toBe(200);
		expect(cancelled.body.booking.cancel_reason).toBe("attendee");
		expect((await api("GET", `/api/bookings/${other.body.id}`)).body.status).toBe("confirmed");
	});
});

describe("holds", () => {
	it("count against capacity, never waitlist, and convert into a booking", async () => {
		const { id } = await sessionWithSeats(3);
		const hold = await api("POST", `/api/occurrences/${id}/holds`, { body: { seats: 2 } });
		expect(hold.status).toBe(201);
		expect(hold.body).toMatchObject({ occurrence_id: id, seats: 2 });
		expect(await session(id)).toMatchObject({ held: 2, available: 1 });
		expectProblem(await api("POST", `/api/occurrences/${id}/holds`, { body: { seats: 2 } }), 409);
		const waiting = await book(id, person(2));
		expect(waiting.body.status).toBe("waitlisted");
		const converted = await book(id, { ...person(1), hold_id: hold.body.id });
		expect(converted.status).toBe(201);
		expect(converted.body.status).toBe("confirmed");
		// The hold's second seat is free again: with the third, the waiting party of 2 fits.
		expect(await session(id)).toMatchObject({ held: 0, booked: 3, waitlisted: 0 });
		expect((await api("GET", `/api/bookings/${waiting.body.id}`)).body.status).toBe("confirmed");
		expectProblem(await book(id, { ...person(1), hold_id: hold.body.id }), 410);
		await checkInvariant(id);
	});

	it("release frees the seats and promotes; an unknown hold is 404, a released one 410", async () => {
		const { id } = await sessionWithSeats(2);
		const hold = await api("POST", `/api/occurrences/${id}/holds`, {
			body: { seats: 2, ttl_seconds: 60 },
		});
		const waiting = await book(id, person(2));
		expect(waiting.body.status).toBe("waitlisted");
		expect((await api("DELETE", `/api/holds/${hold.body.id}`)).status).toBe(200);
		expect((await api("GET", `/api/bookings/${waiting.body.id}`)).body.status).toBe("confirmed");
		expectProblem(await api("DELETE", `/api/holds/${hold.body.id}`), 410);
		expectProblem(await api("DELETE", "/api/holds/999999"), 404);
		for (const body of [
			{ seats: 0 },
			{ seats: 1, ttl_seconds: 59 },
			{ seats: 1, ttl_seconds: 901 },
		]) {
			expectProblem(await api("POST", `/api/occurrences/${id}/holds`, { body }), 400);
		}
		await checkInvariant(id);
	});
});

describe("PATCH /api/bookings/{id}", () => {
	it("renames; attendance before the session starts is 409", async () => {
		const { id } = await sessionWithSeats(2);
		const booking = await book(id, person());
		const renamed = await api("PATCH", `/api/bookings/${booking.body.id}`, {
			body: { name: "New name" },
		});
		expect(renamed.body.name).toBe("New name");
		expectProblem(
			await api("PATCH", `/api/bookings/${booking.body.id}`, { body: { attendance: "present" } }),
			409,
		);
		expectProblem(
			await api("PATCH", `/api/bookings/${booking.body.id}`, { body: { attendance: "late" } }),
			400,
		);
	});
});

describe("GET /api/bookings?email=", () => {
	it("lists one person's bookings on sessions in the range", async () => {
		const a = await sessionWithSeats(2);
		const b = await sessionWithSeats(2);
		const email = "Grace.Range@example.com";
		await book(a.id, { name: "Grace", email });
		await book(b.id, { name: "Grace", email: email.toLowerCase() });
		const list = await api(
			"GET",
			`/api/bookings?email=${encodeURIComponent(email)}&start=2030-01-01T00:00:00Z&end=2040-01-01T00:00:00Z`,
		);
		expect(list.status).toBe(200);
		expect(list.body.map((row: any) => row.occurrence_id).sort()).toEqual([a.id, b.id].sort());
		expectProblem(
			await api(
				"GET",
				"/api/bookings?email=nope&start=2030-01-01T00:00:00Z&end=2040-01-01T00:00:00Z",
			),
			400,
		);
	});
});
