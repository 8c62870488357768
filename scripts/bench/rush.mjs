// The booking rush: N clients booking one popular session at once, and a spread load over many
// sessions; throughput, p50/p95 and the invariant (never overbooked, the line 1..n) afterwards.
import { pool, round, summarize } from "./measure.mjs";

const FAR_FUTURE = Date.UTC(2035, 0, 1, 9);

async function seatedSession(call, capacity, index) {
	const created = await call("POST", "/api/occurrences", {
		title: `Rush ${index}`,
		start_datetime: new Date(FAR_FUTURE + index * 3_600_000).toISOString(),
	});
	await call("PATCH", `/api/occurrences/${created.body.id}`, { capacity });
	return created.body.id;
}

/** Violations of the contract on one session, read back through the API. */
async function violations(call, id) {
	const session = (await call("GET", `/api/occurrences/${id}`)).body;
	const roster = (await call("GET", `/api/occurrences/${id}/bookings?limit=2000`)).body;
	const seats = (status) =>
		roster.filter((b) => b.status === status).reduce((sum, b) => sum + b.seats, 0);
	const line = roster.filter((b) => b.status === "waitlisted").map((b) => b.waitlist_position);
	const found = [];
	if (session.booked + session.held > session.capacity) found.push(`${id}: overbooked`);
	if (seats("confirmed") !== session.booked) found.push(`${id}: booked count drifted`);
	if (seats("waitlisted") !== session.waitlisted) found.push(`${id}: waitlist count drifted`);
	if (line.some((position, index) => position !== index + 1)) found.push(`${id}: gap in line`);
	return { found, session };
}

async function timed(count, width, task) {
	const started = performance.now();
	const calls = await pool(count, width, task);
	return { calls, seconds: (performance.now() - started) / 1000 };
}

export async function bookingRush(call, options) {
	const { clients, sessions, width } = options;
	const hot = await seatedSession(call, 20, 0);
	const rush = await timed(clients, width, (index) =>
		call("POST", `/api/occurrences/${hot}/bookings`, {
			name: `Rusher ${index}`,
			email: `rusher${index}@example.com`,
		}),
	);
	const hotCheck = await violations(call, hot);

	const spreadIds = [];
	for (let index = 1; index <= sessions; index++)
		spreadIds.push(await seatedSession(call, 10, index));
	const spreadCount = sessions * 15;
	const spread = await timed(spreadCount, width, (index) =>
		call("POST", `/api/occurrences/${spreadIds[index % sessions]}/bookings`, {
			name: `Spread ${index}`,
			email: `spread${index}@example.com`,
			seats: 1 + (index % 2),
		}),
	);
	const spreadChecks = [];
	for (const id of spreadIds) spreadChecks.push(await violations(call, id));

	const figures = (run) => ({
		...summarize(run.calls),
		per_second: round(run.calls.length / run.seconds, 1),
		confirmed: run.calls.filter((c) => c.body.status === "confirmed").length,
		waitlisted: run.calls.filter((c) => c.body.status === "waitlisted").length,
	});
	return {
		clients,
		concurrency: width,
		rush: { ...figures(rush), capacity: 20, booked: hotCheck.session.booked },
		spread: { ...figures(spread), sessions },
		violations: [...hotCheck.found, ...spreadChecks.flatMap((check) => check.found)],
	};
}
