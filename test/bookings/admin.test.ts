// The console's roster page: book someone in, see the line, cancel (the line moves up).
import { describe, expect, it } from "vitest";
import { signIn, visit } from "../support/admin";
import { api, present } from "../support/api";
import { book, person, sessionWithSeats } from "./support";

describe("GET /admin/sessions/{id}/bookings", () => {
	it("books someone in, shows the waitlist, and a cancel promotes the next in line", async () => {
		const { cookie, csrf } = await signIn();
		const { id } = await sessionWithSeats(1);
		const first = await visit(`/admin/sessions/${id}/bookings`, {
			cookie,
			form: { csrf, name: "Desk booking", email: "desk@example.com", seats: "1" },
		});
		expect(first.status).toBe(303);
		expect(first.location).toBe(`/admin/sessions/${id}/bookings?done=booking-created`);
		const waiting = await book(id, person());
		const roster = await visit(`/admin/sessions/${id}/bookings`, { cookie });
		expect(roster.status).toBe(200);
		expect(roster.html).toContain("Desk booking");
		expect(roster.html).toContain("waitlisted #1");
		expect(roster.html).toContain("(1/1 +1 waiting)");
		const confirmed = present(
			(await api("GET", `/api/occurrences/${id}/bookings?status=confirmed`)).body[0],
		);
		const cancel = await visit(`/admin/bookings/${confirmed.id}/cancel`, {
			cookie,
			form: { csrf },
		});
		expect(cancel.status).toBe(303);
		expect((await api("GET", `/api/bookings/${waiting.body.id}`)).body.status).toBe("confirmed");
		const session = await visit(`/admin/sessions/${id}`, { cookie });
		expect(session.html).toContain("1/1");
		expect(session.html).toContain('name="capacity"');
	});

	it("shows a refused booking's problem on the page, changing nothing", async () => {
		const { cookie, csrf } = await signIn();
		const { id } = await sessionWithSeats(2);
		const bad = await visit(`/admin/sessions/${id}/bookings`, {
			cookie,
			form: { csrf, name: "X", email: "not-an-email", seats: "1" },
		});
		expect(bad.status).toBe(400);
		expect((await api("GET", `/api/occurrences/${id}/bookings`)).body).toEqual([]);
	});

	it("sets a session's capacity from its edit form", async () => {
		const { cookie, csrf } = await signIn();
		const { id } = await sessionWithSeats(2);
		const page = await visit(`/admin/sessions/${id}`, { cookie });
		const field = (name: string) =>
			new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page.html)?.[1] ?? "";
		const saved = await visit(`/admin/sessions/${id}`, {
			cookie,
			form: {
				csrf,
				version: field("version"),
				title: "Open house",
				description: "",
				start_date: field("start_date"),
				start_time: field("start_time"),
				duration_minutes: field("duration_minutes"),
				capacity: "7",
			},
		});
		expect(saved.status).toBe(303);
		expect((await api("GET", `/api/occurrences/${id}`)).body.capacity).toBe(7);
	});
});
