import { describe, expect, it } from "vitest";
import { api, expectProblem, present, serverTimingShape } from "../support/api";
import { todayPlus } from "../support/dates";
import { createOneTime, createPattern, futureStarts } from "../support/fixtures";
import type { Occurrence, OccurrenceAction, Pattern } from "../support/types";

const etagShape = /^"[po]\d+\.\d+"$/;

describe("ETag on patterns", () => {
	it("is the same on create and GET, and changes with every write", async () => {
		const created = await api("POST", "/api/patterns", {
			body: { title: "Etag walk", weekday: 2, time: "09:00", start_date: todayPlus(1) },
		});
		const id = created.body.pattern.id;
		const first = created.headers.get("ETag");
		expect(first).toMatch(etagShape);
		expect((await api("GET", `/api/patterns/${id}`)).headers.get("ETag")).toBe(first);

		const patched = await api("PATCH", `/api/patterns/${id}`, { body: { title: "Renamed" } });
		const second = patched.headers.get("ETag");
		expect(second).toMatch(etagShape);
		expect(second).not.toBe(first);

		await api("DELETE", `/api/patterns/${id}?delete_future=false`);
		const deactivated = await api("GET", `/api/patterns/${id}`);
		expect(deactivated.body.is_active).toBe(false);
		expect(deactivated.headers.get("ETag")).not.toBe(second);
	});
});

describe("ETag on occurrences", () => {
	it("comes with create, GET, PATCH, cancel and complete, a new one each time", async () => {
		const created = await api("POST", "/api/occurrences", {
			body: { title: "Tagged", start_datetime: "2031-03-01T10:00:00Z" },
		});
		const id = created.body.id;
		const tags = [created.headers.get("ETag")];
		tags.push((await api("GET", `/api/occurrences/${id}`)).headers.get("ETag"));
		tags.push(
			(await api("PATCH", `/api/occurrences/${id}`, { body: { title: "Retitled" } })).headers.get(
				"ETag",
			),
		);
		tags.push((await api("POST", `/api/occurrences/${id}/complete`)).headers.get("ETag"));
		const other = await createOneTime({ start_datetime: "2031-03-02T10:00:00Z" });
		const otherBefore = (await api("GET", `/api/occurrences/${other.id}`)).headers.get("ETag");
		const cancelled = await api("DELETE", `/api/occurrences/${other.id}`);

		for (const tag of [...tags, cancelled.headers.get("ETag")]) expect(tag).toMatch(etagShape);
		expect(tags[1]).toBe(tags[0]);
		expect(new Set(tags.slice(1)).size).toBe(3);
		expect(cancelled.headers.get("ETag")).not.toBe(otherBefore);
		expect((await api("GET", `/api/occurrences/${id}`)).headers.get("ETag")).toBe(tags[3]);
	});

	it("changes on a session when its pattern's edit reaches it", async () => {
		const { pattern } = await createPattern({ timezone: "UTC", start_date: todayPlus(1) });
		const list = await api(
			"GET",
			`/api/occurrences?start=${todayPlus(1)}T00:00:00Z&end=${todayPlus(40)}T00:00:00Z`,
		);
		const session = list.body.find((row) => row.pattern_id === pattern.id);
		const before = (await api("GET", `/api/occurrences/${present(session).id}`)).headers.get(
			"ETag",
		);
		await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "New title" } });
		const after = await api("GET", `/api/occurrences/${present(session).id}`);
		expect(after.body.title).toBe("New title");
		expect(after.headers.get("ETag")).not.toBe(before);
	});
});

describe("If-None-Match on GET", () => {
	it("answers 304 with the ETag and no body when the pattern is unchanged", async () => {
		const { pattern } = await createPattern();
		const etag = (await api("GET", `/api/patterns/${pattern.id}`)).headers.get("ETag") ?? "";
		for (const header of [etag, `W/${etag}`, `"p0.1", ${etag}`, "*"]) {
			const response = await api("GET", `/api/patterns/${pattern.id}`, {
				headers: { "If-None-Match": header },
			});
			expect(response.status, header).toBe(304);
			expect(response.body).toBe("");
			expect(response.headers.get("ETag")).toBe(etag);
			expect(response.headers.get("Server-Timing")).toMatch(serverTimingShape);
			expect(response.headers.get("X-Request-Id")).toBeTruthy();
		}
	});

	it("answers 200 with the new representation once the pattern changed", async () => {
		const { pattern } = await createPattern();
		const etag = (await api("GET", `/api/patterns/${pattern.id}`)).headers.get("ETag") ?? "";
		await api("PATCH", `/api/patterns/${pattern.id}`, { body: { description: "changed" } });
		const response = await api("GET", `/api/patterns/${pattern.id}`, {
			headers: { "If-None-Match": etag },
		});
		expect(response.status).toBe(200);
		expect(response.body.description).toBe("changed");
	});

	it("answers 304 for an unchanged occurrence", async () => {
		const session = await createOneTime({ start_datetime: "2031-04-01T10:00:00Z" });
		const etag = (await api("GET", `/api/occurrences/${session.id}`)).headers.get("ETag") ?? "";
		const response = await api("GET", `/api/occurrences/${session.id}`, {
			headers: { "If-None-Match": etag },
		});
		expect(response.status).toBe(304);
		expect(response.body).toBe("");
	});

	it("gives lists a strong ETag of their content, 304 until a row changes", async () => {
		const range = "start=2031-05-01T00:00:00Z&end=2031-05-02T00:00:00Z";
		const session = await createOneTime({ start_datetime: "2031-05-01T10:00:00Z" });
		const first = await api("GET", `/api/occurrences?${range}`);
		const etag = first.headers.get("ETag") ?? "";
		expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
		const unchanged = await api("GET", `/api/occurrences?${range}`, {
			headers: { "If-None-Match": etag },
		});
		expect(unchanged.status).toBe(304);
		expect(unchanged.body).toBe("");
		expect(unchanged.headers.get("ETag")).toBe(etag);
		expect(unchanged.headers.get("Server-Timing")).toMatch(serverTimingShape);

		await api("PATCH", `/api/occurrences/${session.id}`, { body: { title: "Changed" } });
		const changed = await api("GET", `/api/occurrences?${range}`, {
			headers: { "If-None-Match": etag },
		});
		expect(changed.status).toBe(200);
		expect(changed.body.map((row) => row.title)).toEqual(["Changed"]);
		expect(changed.headers.get("ETag")).not.toBe(etag);
	});

	it("tags a range page with the SHA-1 of exactly the JSON it sends", async () => {
		const range = "start=2031-06-01T00:00:00Z&end=2031-06-02T00:00:00Z";
		await createOneTime({ start_datetime: "2031-06-01T09:00:00Z" });
		const page = await api("GET", `/api/occurrences?${range}`);
		expect(page.headers.get("Content-Type")).toMatch(/^application\/json/);
		const bytes = new TextEncoder().encode(JSON.stringify(page.body));
		const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
		const hex = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
		expect(page.headers.get("ETag")).toBe(`"${hex}"`);
		const again = await api("GET", `/api/occurrences?${range}`, {
			headers: { "If-None-Match": `"${hex}"` },
		});
		expect(again.status).toBe(304);
		expect(again.headers.get("ETag")).toBe(`"${hex}"`);
	});
});

describe("If-Match on writes", () => {
	it("answers 412 to a stale PATCH of a pattern and changes nothing", async () => {
		const { pattern } = await createPattern({ title: "Original" });
		const stale = (await api("GET", `/api/patterns/${pattern.id}`)).headers.get("ETag") ?? "";
		const fresh = await api("PATCH", `/api/patterns/${pattern.id}`, {
			body: { description: "first edit" },
			headers: { "If-Match": stale },
		});
		expect(fresh.status).toBe(200);
		const response = await api("PATCH", `/api/patterns/${pattern.id}`, {
			body: { title: "Lost update" },
			headers: { "If-Match": stale },
		});
		expectProblem(response, 412, "precondition_failed");
		const current = await api("GET", `/api/patterns/${pattern.id}`);
		expect(current.body.title).toBe("Original");
		expect(current.headers.get("ETag")).toBe(fresh.headers.get("ETag"));
	});

	it("answers 412 to a stale DELETE of a pattern, which stays", async () => {
		const { pattern } = await createPattern();
		const stale = (await api("GET", `/api/patterns/${pattern.id}`)).headers.get("ETag") ?? "";
		await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "Moved on" } });
		const response = await api("DELETE", `/api/patterns/${pattern.id}`, {
			headers: { "If-Match": stale },
		});
		expectProblem(response, 412, "precondition_failed");
		expect((await api("GET", `/api/patterns/${pattern.id}`)).status).toBe(200);
	});

	it("answers 412 to stale PATCH, cancel and complete of an occurrence", async () => {
		const session = await createOneTime({ start_datetime: "2031-06-01T10:00:00Z" });
		const stale = (await api("GET", `/api/occurrences/${session.id}`)).headers.get("ETag") ?? "";
		await api("PATCH", `/api/occurrences/${session.id}`, { body: { title: "Edited" } });
		const headers = { "If-Match": stale };
		const attempts = [
			await api("PATCH", `/api/occurrences/${session.id}`, { body: { title: "X" }, headers }),
			await api("DELETE", `/api/occurrences/${session.id}`, { headers }),
			await api("POST", `/api/occurrences/${session.id}/complete`, { headers }),
		];
		for (const response of attempts) expectProblem(response, 412, "precondition_failed");
		const current = await api("GET", `/api/occurrences/${session.id}`);
		expect(current.body).toMatchObject({ title: "Edited", status: "scheduled" });
	});

	it("lets a write with the current ETag, or *, through", async () => {
		const session = await createOneTime({ start_datetime: "2031-06-02T10:00:00Z" });
		const etag = (await api("GET", `/api/occurrences/${session.id}`)).headers.get("ETag") ?? "";
		const patched = await api("PATCH", `/api/occurrences/${session.id}`, {
			body: { title: "Current" },
			headers: { "If-Match": `"o0.1", ${etag}` },
		});
		expect(patched.status).toBe(200);
		const completed = await api("POST", `/api/occurrences/${session.id}/complete`, {
			headers: { "If-Match": "*" },
		});
		expect(completed.status).toBe(200);
		expect(completed.body.occurrence.status).toBe("completed");
	});

	it("compares strongly: a weak tag never matches (RFC 9110 §13.1.1)", async () => {
		const session = await createOneTime({ start_datetime: "2031-06-03T10:00:00Z" });
		const etag = (await api("GET", `/api/occurrences/${session.id}`)).headers.get("ETag");
		const response = await api("PATCH", `/api/occurrences/${session.id}`, {
			body: { title: "Weak" },
			headers: { "If-Match": `W/${etag}` },
		});
		expectProblem(response, 412, "precondition_failed");
	});

	it("answers 404, not 412, for a resource that does not exist", async () => {
		const response = await api("PATCH", "/api/occurrences/987654", {
			body: { title: "Ghost" },
			headers: { "If-Match": '"o987654.1"' },
		});
		expectProblem(response, 404, "not_found");
	});
});

/** Sends the writes at once, all with the resource's current ETag; returns the one winner. */
async function race<T>(path: string, writes: { method: string; body?: unknown }[]) {
	const etag = (await api("GET", path)).headers.get("ETag") ?? "";
	const responses = await Promise.all(
		writes.map(({ method, body }) =>
			api<T>(method, method === "POST" ? `${path}/complete` : path, {
				body,
				headers: { "If-Match": etag },
			}),
		),
	);
	const statuses = responses.map((response) => response.status).sort();
	expect(statuses).toEqual([200, ...writes.slice(1).map(() => 412)]);
	return responses.find((response) => response.status === 200);
}

describe("racing writes with the same If-Match", () => {
	it("lets exactly one of two occurrence PATCHes win", async () => {
		const session = await createOneTime({ start_datetime: "2031-07-01T10:00:00Z" });
		const winner = await race<Occurrence>(`/api/occurrences/${session.id}`, [
			{ method: "PATCH", body: { title: "Alice" } },
			{ method: "PATCH", body: { title: "Bob" } },
		]);
		const current = await api("GET", `/api/occurrences/${session.id}`);
		expect(current.body.title).toBe(winner?.body.title);
		expect(current.headers.get("ETag")).toBe(winner?.headers.get("ETag"));
	});

	it("lets exactly one of two pattern PATCHes win, and the sessions follow the winner", async () => {
		const { pattern } = await createPattern({
			timezone: "UTC",
			time: "07:30",
			start_date: todayPlus(1),
		});
		const winner = await race<Pattern>(`/api/patterns/${pattern.id}`, [
			{ method: "PATCH", body: { time: "09:00" } },
			{ method: "PATCH", body: { time: "18:00" } },
		]);
		const current = await api("GET", `/api/patterns/${pattern.id}`);
		expect(current.body.time).toBe(winner?.body.time);
		const starts = await futureStarts(pattern.id);
		expect(starts.length).toBeGreaterThan(5);
		const times = new Set(starts.map((start) => new Date(start).toISOString().slice(11, 19)));
		expect([...times]).toEqual([winner?.body.time]);
	});

	it("lets exactly one of a cancel and a complete win", async () => {
		const session = await createOneTime({ start_datetime: "2031-07-02T10:00:00Z" });
		const winner = await race<OccurrenceAction>(`/api/occurrences/${session.id}`, [
			{ method: "DELETE" },
			{ method: "POST" },
		]);
		const current = await api("GET", `/api/occurrences/${session.id}`);
		expect(current.body.status).toBe(winner?.body.occurrence.status);
	});

	it("lets exactly one of two pattern DELETEs win", async () => {
		const { pattern } = await createPattern({ start_date: todayPlus(1) });
		const etag = (await api("GET", `/api/patterns/${pattern.id}`)).headers.get("ETag") ?? "";
		const responses = await Promise.all(
			[1, 2].map(() =>
				api("DELETE", `/api/patterns/${pattern.id}`, { headers: { "If-Match": etag } }),
			),
		);
		const statuses = responses.map((response) => response.status).sort();
		// The loser finds the pattern either changed (412) or already gone (404).
		expect(statuses[0]).toBe(200);
		expect([404, 412]).toContain(statuses[1]);
		expect(await futureStarts(pattern.id)).toEqual([]);
	});
});
