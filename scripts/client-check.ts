// The typed client: openapi-fetch over the `paths` openapi-typescript generates from the document
// the Worker serves (scripts/client/openapi.d.ts, written by `npm run lint:openapi`, which also
// type-checks this file with scripts/client/tsconfig.json and runs it against a local Worker).
// Every call below is checked twice: by tsc against the document (names, path ids as integers,
// bodies, nullable fields), and at run time against what the Worker answers.
import createClient from "openapi-fetch";
import type { paths } from "./client/openapi";

type SplitAnswer =
	paths["/api/patterns/{id}/split"]["post"]["responses"][200]["content"]["application/json"];

class ClientCheckError extends Error {}

function expect(condition: boolean, what: string): asserts condition {
	if (!condition) throw new ClientCheckError(`typed client: ${what}`);
}

/** The data of a call that must succeed, else an error naming the call and its answer. */
function ok<T>(
	call: string,
	result: { data?: T; error?: unknown; response: Response },
	steps: string[],
): T {
	const { data, error, response } = result;
	steps.push(`${call} → ${response.status}`);
	expect(
		response.ok && data !== undefined,
		`${call} answered ${response.status} ${JSON.stringify(error)}`,
	);
	return data;
}

const day = (offsetDays: number) =>
	new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Runs the client's round of calls against `origin`; answers one line per call. */
export async function checkClient(origin: string, token: string): Promise<string[]> {
	const steps: string[] = [];
	const client = createClient<paths>({
		baseUrl: origin,
		headers: { Authorization: `Bearer ${token}` },
	});

	const created = ok(
		"POST /api/patterns",
		await client.POST("/api/patterns", {
			body: {
				title: "Typed client yoga",
				weekdays: [0, 2],
				time: "07:30",
				timezone: "Europe/Paris",
				start_date: day(7),
				months_ahead: 1,
			},
		}),
		steps,
	);
	// A path id is a number in the generated types, as the document now says.
	const id: number = created.pattern.id;
	expect(created.occurrences_created > 0, "the new pattern has sessions");

	const pattern = ok(
		"GET /api/patterns/{id}",
		await client.GET("/api/patterns/{id}", { params: { path: { id } } }),
		steps,
	);
	expect(pattern.id === id && pattern.count === null, "the pattern reads back, count null");

	const missing = await client.GET("/api/patterns/{id}", {
		// @ts-expect-error: a path id is an integer, so a string does not type-check
		params: { path: { id: "abc" } },
	});
	steps.push(`GET /api/patterns/abc → ${missing.response.status}`);
	expect(
		missing.response.status === 404 && missing.error?.status === 404,
		"a non-numeric id answers a 404 problem",
	);

	const listed = ok(
		"GET /api/patterns",
		await client.GET("/api/patterns", { params: { query: { limit: 100 } } }),
		steps,
	);
	expect(
		listed.some((row) => row.id === id),
		"the list has the new pattern",
	);

	const renamed = ok(
		"PATCH /api/patterns/{id}",
		await client.PATCH("/api/patterns/{id}", {
			params: { path: { id } },
			body: { title: "Typed client pilates" },
		}),
		steps,
	);
	expect(renamed.title === "Typed client pilates", "the pattern is renamed");

	const range = { start: `${day(0)}T00:00:00Z`, end: `${day(40)}T00:00:00Z` };
	const series = ok(
		"GET /api/patterns/{id}/occurrences",
		await client.GET("/api/patterns/{id}/occurrences", {
			params: { path: { id }, query: range },
		}),
		steps,
	);
	const [first, second] = series;
	expect(first !== undefined && second !== undefined, "the series has two sessions");
	expect(first.pattern_id === id, "a session names its pattern");

	ok(
		"GET /api/occurrences/{id}",
		await client.GET("/api/occurrences/{id}", { params: { path: { id: first.id } } }),
		steps,
	);
	const edited = ok(
		"PATCH /api/occurrences/{id}",
		await client.PATCH("/api/occurrences/{id}", {
			params: { path: { id: first.id } },
			body: { title: "Typed client, moved", duration_minutes: 45 },
		}),
		steps,
	);
	expect(edited.is_exception && edited.duration_minutes === 45, "the session is an exception");
	const completed = ok(
		"POST /api/occurrences/{id}/complete",
		await client.POST("/api/occurrences/{id}/complete", {
			params: { path: { id: second.id } },
		}),
		steps,
	);
	expect(completed.occurrence.status === "completed", "the session is completed");

	const oneTime = ok(
		"POST /api/occurrences",
		await client.POST("/api/occurrences", {
			body: { title: "Typed client one-off", start_datetime: `${day(3)}T09:00:00Z` },
		}),
		steps,
	);
	expect(oneTime.pattern_id === null, "a one-time session has no pattern");
	const cancelled = ok(
		"DELETE /api/occurrences/{id}",
		await client.DELETE("/api/occurrences/{id}", { params: { path: { id: oneTime.id } } }),
		steps,
	);
	expect(cancelled.occurrence.status === "cancelled", "the session is cancelled");
	const all = ok(
		"GET /api/occurrences",
		await client.GET("/api/occurrences", { params: { query: { ...range, limit: 2000 } } }),
		steps,
	);
	expect(
		all.some((row) => row.id === oneTime.id),
		"the range has the one-time session",
	);

	const split = { from: day(21), changes: { time: "18:00" } };
	const planned = ok(
		"POST /api/patterns/{id}/split (dry run)",
		await client.POST("/api/patterns/{id}/split", {
			params: { path: { id } },
			body: { ...split, dry_run: true },
		}),
		steps,
	);
	// null must be a value of the generated type (no allOf narrowing it to Pattern's integer id):
	// the dry run's new pattern has no id yet.
	const noId: SplitAnswer["new_pattern"]["id"] = null;
	expect(planned.dry_run && planned.new_pattern.id === noId, "a dry run's new pattern id is null");
	const done = ok(
		"POST /api/patterns/{id}/split",
		await client.POST("/api/patterns/{id}/split", { params: { path: { id } }, body: split }),
		steps,
	);
	const newId = done.new_pattern.id;
	expect(newId !== null && newId !== id, "the split made a new pattern");

	const job = ok(
		"POST /api/jobs/materialize",
		await client.POST("/api/jobs/materialize", { body: { months_ahead: 1 } }),
		steps,
	);
	expect(job.complete, "the materialize job completed");

	const feed = await client.GET("/api/patterns/{id}/calendar.ics", {
		params: { path: { id: newId } },
		parseAs: "text",
	});
	steps.push(`GET /api/patterns/{id}/calendar.ics → ${feed.response.status}`);
	expect(
		feed.response.ok && (feed.data ?? "").startsWith("BEGIN:VCALENDAR"),
		"the series feed is a calendar",
	);

	const key = ok(
		"POST /api/keys",
		await client.POST("/api/keys", { body: { name: "Typed client", scopes: ["read"] } }),
		steps,
	);
	expect(key.key.length > 0, "a new key shows its secret");
	const keys = ok("GET /api/keys", await client.GET("/api/keys"), steps);
	expect(
		keys.some((row) => row.id === key.id),
		"the key is listed",
	);
	ok(
		"DELETE /api/keys/{id}",
		await client.DELETE("/api/keys/{id}", { params: { path: { id: key.id } } }),
		steps,
	);

	for (const pattern of [id, newId]) {
		ok(
			"DELETE /api/patterns/{id}",
			await client.DELETE("/api/patterns/{id}", { params: { path: { id: pattern } } }),
			steps,
		);
	}
	return steps;
}
