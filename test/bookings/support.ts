// Small factories for the booking tests: sessions with seats, bookings, and the invariant.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { api } from "../support/api";
import { createOneTime } from "../support/fixtures";
import type { Booking } from "../support/types";

let sessionStarts = 0;

/** A one-time session in the future with `capacity` seats (null = unlimited). */
export async function sessionWithSeats(
	capacity: number | null,
	overrides: Record<string, unknown> = {},
) {
	sessionStarts += 1;
	const start = new Date(Date.UTC(2031, 0, 1, 9) + sessionStarts * 3_600_000).toISOString();
	const session = await createOneTime({ start_datetime: start, ...overrides });
	const patched = await api("PATCH", `/api/occurrences/${session.id}`, { body: { capacity } });
	expect(patched.status).toBe(200);
	return patched.body as { id: number; capacity: number | null };
}

let people = 0;
export const person = (seats = 1) => {
	people += 1;
	return { name: `Person ${people}`, email: `person${people}@example.com`, seats };
};

export const book = (
	sessionId: number,
	body: Record<string, unknown>,
	headers?: Record<string, string>,
) => api("POST", `/api/occurrences/${sessionId}/bookings`, { body, headers });

export async function roster(sessionId: number, status?: string) {
	const query = status ? `?status=${status}` : "";
	const response = await api<Booking[]>("GET", `/api/occurrences/${sessionId}/bookings${query}`);
	expect(response.status).toBe(200);
	return response.body;
}

export async function session(sessionId: number) {
	const response = await api("GET", `/api/occurrences/${sessionId}`);
	expect(response.status).toBe(200);
	return response.body as {
		capacity: number | null;
		booked: number;
		held: number;
		waitlisted: number;
		available: number | null;
		status: string;
	};
}

/**
 * The invariant straight from D1: the row's counts equal the bookings' and live holds' seats,
 * booked + held ≤ capacity, and waitlist positions are 1..n in line order.
 */
export async function checkInvariant(sessionId: number, now = Date.now()) {
	const row = await env.DB.prepare(
		`SELECT capacity, booked, held, waitlisted,
			(SELECT coalesce(sum(seats), 0) FROM bookings WHERE occurrence_id = o.id AND status = 'confirmed') AS confirmed_seats,
			(SELECT coalesce(sum(seats), 0) FROM bookings WHERE occurrence_id = o.id AND status = 'waitlisted') AS waiting_seats,
			(SELECT coalesce(sum(seats), 0) FROM holds WHERE occurrence_id = o.id AND ended_at IS NULL AND expires_at > ?) AS live_held
		FROM occurrences o WHERE id = ?`,
	)
		.bind(now, sessionId)
		.first<Record<string, number | null>>();
	expect(row).not.toBeNull();
	expect(row?.booked).toBe(row?.confirmed_seats);
	expect(row?.waitlisted).toBe(row?.waiting_seats);
	expect(row?.held).toBe(row?.live_held);
	if (row?.capacity !== null && row?.capacity !== undefined) {
		expect((row.booked ?? 0) + (row.held ?? 0)).toBeLessThanOrEqual(row.capacity);
	}
	const { results } = await env.DB.prepare(
		"SELECT waitlist_position AS p FROM bookings WHERE occurrence_id = ? AND status = 'waitlisted' ORDER BY waitlist_position",
	)
		.bind(sessionId)
		.all<{ p: number }>();
	expect(results.map((r) => r.p)).toEqual(results.map((_, i) => i + 1));
	return row;
}
