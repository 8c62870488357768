import { describe, expect, it, vi } from "vitest";
import { api, expectProblem, present } from "./support/api";
import { useClock } from "./support/dates";
import {
	CLASS_CLOCK,
	createOneTime,
	createPattern,
	sessionsOfPattern,
	weeklyClass,
} from "./support/fixtures";

useClock(CLASS_CLOCK);

/** A future, scheduled session born from a fresh weekly class: 2026-02-17 07:30Z. */
async function patternBorn() {
	const { pattern } = await createPattern(weeklyClass);
	const sessions = await sessionsOfPattern(pattern.id);
	return sessions[6];
}

describe("POST /api/occurrences", () => {
	it("creates a one-time session, UTC out, end = start + duration", async () => {
		const response = await api("POST", "/api/occurrences", {
			body: {
				title: "Open house",
				description: "Doors at ten.",
				start_datetime: "2026-03-01T10:00:00+02:00",
				duration_minutes: 90,
			},
		});
		expect(response.status).toBe(201);
		expect(response.body).toMatchObject({
			title: "Open house",
			description: "Doors at ten.",
			recurrence_pattern: null,
			pattern_id: null,
			start_datetime: "2026-03-01T08:00:00Z",
			end_datetime: "2026-03-01T09:30:00Z",
			original_start_datetime: null,
			duration_minutes: 90,
			status: "scheduled",
			is_exception: false,
			is_one_time: true,
			is_recurring: false,
			created_at: "2026-02-15T12:00:00Z",
			updated_at: "2026-02-15T12:00:00Z",
		});
		expect(response.headers.get("Location")).toBe(`/api/occurrences/${response.body.id}`);
	});

	it("defaults description to empty and duration to 60 minutes", async () => {
		const response = await api("POST", "/api/occurrences", {
			body: { title: "Drop-in", start_datetime: "2026-03-02T18:00:00Z" },
		});
		expect(response.body).toMatchObject({
			description: "",
			duration_minutes: 60,
			end_datetime: "2026-03-02T19:00:00Z",
		});
	});

	it.each([
		["2026-03-01T10:00:00Z", "2026-03-01T10:00:00Z"],
		["2026-03-01T10:00:00+05:30", "2026-03-01T04:30:00Z"],
		["2026-03-01T10:00:00-08:00", "2026-03-01T18:00:00Z"],
		["2026-03-01T23:30:00-01:00", "2026-03-02T00:30:00Z"],
		["2026-03-01T10:00:00+0100", "2026-03-01T09:00:00Z"],
		["2026-03-01T10:00", "2026-03-01T10:00:00Z"],
		["2026-03-01T10:00:00.250Z", "2026-03-01T10:00:00.250Z"],
	])("reads %s as %s", async (input, output) => {
		const session = await createOneTime({ start_datetime: input });
		expect(session.start_datetime).toBe(output);
	});

	it("ends the next day for a session of 1440 minutes", async () => {
		const session = await createOneTime({
			start_datetime: "2026-03-01T18:00:00Z",
			duration_minutes: 1440,
		});
		expect(session.end_datetime).toBe("2026-03-02T18:00:00Z");
	});
});

describe("GET /api/occurrences/{id}", () => {
	it("returns the session as created", async () => {
		const session = await createOneTime();
		const response = await api("GET", `/api/occurrences/${session.id}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual(session);
	});
});

describe("PATCH /api/occurrences/{id}", () => {
	it("edits every field of a one-time session, which stays no exception", async () => {
		const session = await createOneTime();
		vi.setSystemTime(new Date("2026-02-16T08:00:00Z"));
		const response = await api("PATCH", `/api/occurrences/${session.id}`, {
			body: {
				title: "Open house (moved)",
				description: "Now in the hall.",
				start_datetime: "2030-02-15T09:00:00-03:00",
				duration_minutes: 30,
			},
		});
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			...session,
			title: "Open house (moved)",
			description: "Now in the hall.",
			start_datetime: "2030-02-15T12:00:00Z",
			end_datetime: "2030-02-15T12:30:00Z",
			duration_minutes: 30,
			start_local: "2030-02-15T12:00:00+00:00",
			updated_at: "2026-02-16T08:00:00Z",
		});
		expect((await api("GET", `/api/occurrences/${session.id}`)).body).toEqual(response.body);
	});

	it("recomputes the end from a new duration alone", async () => {
		const session = await createOneTime({ start_datetime: "2030-01-01T10:00:00Z" });
		const response = await api("PATCH", `/api/occurrences/${session.id}`, {
			body: { duration_minutes: 15 },
		});
		expect(response.body).toMatchObject({
			start_datetime: "2030-01-01T10:00:00Z",
			end_datetime: "2030-01-01T10:15:00Z",
		});
	});

	it("marks a pattern-born session as an exception and keeps its original slot", async () => {
		const session = await patternBorn();
		const response = await api("PATCH", `/api/occurrences/${present(session).id}`, {
			body: { start_datetime: "2026-02-18T17:00:00Z" },
		});
		expect(response.body).toMatchObject({
			start_datetime: "2026-02-18T17:00:00Z",
			end_datetime: "2026-02-18T18:00:00Z",
			original_start_datetime: "2026-02-17T07:30:00Z",
			is_exception: true,
			is_recurring: true,
		});
	});

	it("marks a pattern-born session as an exception for a title edit too", async () => {
		const session = await patternBorn();
		const response = await api("PATCH", `/api/occurrences/${present(session).id}`, {
			body: { title: "Guest teacher" },
		});
		expect(response.body).toMatchObject({ title: "Guest teacher", is_exception: true });
	});
});

describe("DELETE /api/occurrences/{id}", () => {
	it("cancels a one-time session; the row stays and is no exception", async () => {
		const session = await createOneTime();
		const response = await api("DELETE", `/api/occurrences/${session.id}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			message: `Occurrence ${session.id} cancelled.`,
			occurrence: { ...session, status: "cancelled" },
		});
		expect((await api("GET", `/api/occurrences/${session.id}`)).body.status).toBe("cancelled");
	});

	it("marks a cancelled pattern-born session as an exception", async () => {
		const session = await patternBorn();
		const response = await api("DELETE", `/api/occurrences/${present(session).id}`);
		expect(response.body.occurrence).toMatchObject({ status: "cancelled", is_exception: true });
	});
});

describe("POST /api/occurrences/{id}/complete", () => {
	it("completes a session without making it an exception", async () => {
		const session = await patternBorn();
		const response = await api("POST", `/api/occurrences/${present(session).id}/complete`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			message: `Occurrence ${present(session).id} completed.`,
			occurrence: { ...session, status: "completed" },
		});
	});
});

describe("state changes that are not allowed", () => {
	it.each([
		["cancelled", "DELETE", "", "Cannot cancel occurrence %d: it is already cancelled."],
		["completed", "POST", "/complete", "Cannot complete occurrence %d: it is already completed."],
		["cancelled", "POST", "/complete", "Cannot complete occurrence %d: it is already cancelled."],
		["completed", "DELETE", "", "Cannot cancel occurrence %d: it is already completed."],
	])("returns 409 for a %s session on %s%s", async (status, method, suffix, detail) => {
		const session = await createOneTime();
		await (status === "cancelled"
			? api("DELETE", `/api/occurrences/${session.id}`)
			: api("POST", `/api/occurrences/${session.id}/complete`));
		const before = await api("GET", `/api/occurrences/${session.id}`);
		const problem = expectProblem(
			await api(method, `/api/occurrences/${session.id}${suffix}`),
			409,
		);
		expect(problem.detail).toBe(detail.replace("%d", String(session.id)));
		expect((await api("GET", `/api/occurrences/${session.id}`)).body).toEqual(before.body);
	});
});

describe("racing state changes", () => {
	it("lets exactly one of a cancel and a complete sent together win", async () => {
		const session = await createOneTime();
		const responses = await Promise.all([
			api("DELETE", `/api/occurrences/${session.id}`),
			api("POST", `/api/occurrences/${session.id}/complete`),
		]);
		const statuses = responses.map((response) => response.status).sort();
		expect(statuses).toEqual([200, 409]);
		const winner = responses.find((response) => response.status === 200);
		const stored = await api("GET", `/api/occurrences/${session.id}`);
		expect(stored.body.status).toBe(winner?.body.occurrence.status);
	});
});
