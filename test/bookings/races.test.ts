// Racing requests through the Worker's entry point against D1: the conditional SQL in each
// booking batch decides, so no interleaving can overbook or break the line.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { api } from "../support/api";
import { book, checkInvariant, person, roster, session, sessionWithSeats } from "./support";

vi.setConfig({ testTimeout: 120_000 });

describe("200 concurrent bookings on 20 seats", () => {
	it("confirm exactly 20, waitlist 180 at positions 1–180, and 3 cancels promote the first 3", async () => {
		const { id } = await sessionWithSeats(20);
		const responses = await Promise.all(
			Array.from({ length: 200 }, (_, i) =>
				book(id, { name: `Racer ${i}`, email: `racer${i}.${id}@example.com` }),
			),
		);
		expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
		const confirmed = responses.filter((r) => r.body.status === "confirmed");
		const waiting = responses.filter((r) => r.body.status === "waitlisted");
		expect(confirmed).toHaveLength(20);
		expect(waiting).toHaveLength(180);
		expect(waiting.map((r) => r.body.waitlist_position ?? 0).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 180 }, (_, i) => i + 1),
		);
		expect(new Set(responses.map((r) => r.body.id)).size).toBe(200);
		expect(await session(id)).toMatchObject({ booked: 20, waitlisted: 180, available: 0 });
		await checkInvariant(id);

		const line = (await roster(id, "waitlisted")).map((row) => row.id);
		await Promise.all(
			confirmed.slice(0, 3).map((r) => api("DELETE", `/api/bookings/${r.body.id}`)),
		);
		const after = await roster(id);
		const confirmedNow = after.filter((row) => row.status === "confirmed").map((row) => row.id);
		expect(confirmedNow).toHaveLength(20);
		expect(confirmedNow).toEqual(expect.arrayContaining(line.slice(0, 3)));
		const stillWaiting = after.filter((row) => row.status === "waitlisted");
		expect(stillWaiting.map((row) => row.id)).toEqual(line.slice(3));
		expect(stillWaiting.map((row) => row.waitlist_position)).toEqual(
			Array.from({ length: 177 }, (_, i) => i + 1),
		);
		await checkInvariant(id);
	});
});

type Action =
	| { kind: "book"; seats: number }
	| { kind: "cancel"; pick: number }
	| { kind: "hold"; seats: number }
	| { kind: "release"; pick: number }
	| { kind: "capacity"; capacity: number };

const action: fc.Arbitrary<Action> = fc.oneof(
	{
		weight: 5,
		arbitrary: fc.record({
			kind: fc.constant("book" as const),
			seats: fc.integer({ min: 1, max: 4 }),
		}),
	},
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat(50) }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant("hold" as const),
			seats: fc.integer({ min: 1, max: 3 }),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat(50) }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant("capacity" as const),
			capacity: fc.integer({ min: 1, max: 8 }),
		}),
	},
);

/** The reference: the contract's semantics in memory, settled after every step. */
class Model {
	bookings: { id: number; seats: number; status: string; position: number | null }[] = [];
	holds: { id: number; seats: number; live: boolean }[] = [];
	constructor(public capacity: number) {}
	get booked() {
		return this.bookings.filter((b) => b.status === "confirmed").reduce((n, b) => n + b.seats, 0);
	}
	get held() {
		return this.holds.filter((h) => h.live).reduce((n, h) => n + h.seats, 0);
	}
	get waiting() {
		return this.bookings
			.filter((b) => b.status === "waitlisted")
			.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
	}
	fits(seats: number) {
		return this.booked + this.held + seats <= this.capacity;
	}
	settle() {
		let remaining = this.capacity - this.booked - this.held;
		for (const booking of this.waiting) {
			if (remaining <= 0) break;
			if (booking.seats <= remaining) {
				booking.status = "confirmed";
				booking.position = null;
				remaining -= booking.seats;
			}
		}
		this.waiting.forEach((booking, i) => {
			booking.position = i + 1;
		});
	}
}

describe("bookings, cancels, holds and capacity changes against a reference model", () => {
	it("agree with the model step by step, and booked + held ≤ capacity after every step", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 6 }),
				fc.array(action, { minLength: 1, maxLength: 25 }),
				async (capacity, actions) => {
					const { id } = await sessionWithSeats(capacity);
					const model = new Model(capacity);
					for (const step of actions) {
						if (step.kind === "book") {
							const response = await book(id, person(step.seats));
							expect(response.status).toBe(201);
							const status = model.fits(step.seats) ? "confirmed" : "waitlisted";
							expect(response.body.status).toBe(status);
							model.bookings.push({
								id: response.body.id,
								seats: step.seats,
								status,
								position: status === "waitlisted" ? model.waiting.length + 1 : null,
							});
						} else if (step.kind === "cancel") {
							const live = model.bookings.filter((b) => b.status !== "cancelled");
							const target = live[step.pick % Math.max(1, live.length)];
							if (!target) continue;
							expect((await api("DELETE", `/api/bookings/${target.id}`)).status).toBe(200);
							target.status = "cancelled";
							target.position = null;
						} else if (step.kind === "hold") {
							const response = await api("POST", `/api/occurrences/${id}/holds`, {
								body: { seats: step.seats },
							});
							if (model.fits(step.seats)) {
								expect(response.status).toBe(201);
								model.holds.push({ id: response.body.id, seats: step.seats, live: true });
							} else {
								expect(response.status).toBe(409);
							}
						} else if (step.kind === "release") {
							const live = model.holds.filter((h) => h.live);
							const target = live[step.pick % Math.max(1, live.length)];
							if (!target) continue;
							expect((await api("DELETE", `/api/holds/${target.id}`)).status).toBe(200);
							target.live = false;
						} else {
							const response = await api("PATCH", `/api/occurrences/${id}`, {
								body: { capacity: step.capacity },
							});
							expect(response.status).toBe(200);
							model.capacity = step.capacity;
						}
						model.settle();
						const actual = await session(id);
						expect(actual).toMatchObject({
							capacity: model.capacity,
							booked: model.booked,
							held: model.held,
							waitlisted: model.waiting.reduce((n, b) => n + b.seats, 0),
						});
						const line = (await roster(id, "waitlisted")).map((b) => [b.id, b.waitlist_position]);
						expect(line).toEqual(model.waiting.map((b) => [b.id, b.position]));
						// Staff may lower the capacity below what is booked (nobody is evicted); else the
						// invariant holds, booked + held ≤ capacity included.
						await checkInvariantUnlessLowered(id, model);
					}
				},
			),
			{ numRuns: 12 },
		);
	});

	it("never overbook when bookings, cancels, holds and capacity raises race", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 2, max: 8 }),
				fc.array(fc.array(action, { minLength: 2, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
				async (capacity, rounds) => {
					const { id } = await sessionWithSeats(capacity);
					let current = capacity;
					const bookingIds: number[] = [];
					const holdIds: number[] = [];
					for (const round of rounds) {
						const results = await Promise.all(
							round.map(async (step) => {
								if (step.kind === "book") return book(id, person(step.seats));
								if (step.kind === "hold") {
									return api("POST", `/api/occurrences/${id}/holds`, {
										body: { seats: step.seats },
									});
								}
								if (step.kind === "cancel" && bookingIds.length) {
									return api(
										"DELETE",
										`/api/bookings/${bookingIds[step.pick % bookingIds.length]}`,
									);
								}
								if (step.kind === "release" && holdIds.length) {
									return api("DELETE", `/api/holds/${holdIds[step.pick % holdIds.length]}`);
								}
								if (step.kind === "capacity") {
									// Raises only: a lowered capacity is the one allowed overbooking.
									current = Math.max(current, step.capacity);
									return api("PATCH", `/api/occurrences/${id}`, { body: { capacity: current } });
								}
								return undefined;
							}),
						);
						round.forEach((step, i) => {
							const response = results[i];
							if (!response) return;
							expect(response.status).toBeLessThan(500);
							if (step.kind === "book" && response.status === 201)
								bookingIds.push((response.body as { id: number }).id);
							if (step.kind === "hold" && response.status === 201)
								holdIds.push((response.body as { id: number }).id);
						});
						await checkInvariant(id);
					}
				},
			),
			{ numRuns: 10 },
		);
	});
});

async function checkInvariantUnlessLowered(id: number, model: Model) {
	if (model.booked + model.held <= model.capacity) await checkInvariant(id);
}
