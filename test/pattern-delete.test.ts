import { describe, expect, it } from "vitest";
import { api, expectProblem } from "./support/api";
import { runCron } from "./support/cron";
import { useClock } from "./support/dates";
import {
	CLASS_CLOCK,
	classWithHandledSessions,
	createPattern,
	sessionsOfPattern,
	weeklyClass,
} from "./support/fixtures";

useClock(CLASS_CLOCK);

describe("DELETE /api/patterns/{id}?delete_future=true", () => {
	it("removes the pattern and its future unedited sessions, keeping history", async () => {
		const { pattern, past, handled } = await classWithHandledSessions();
		const response = await api("DELETE", `/api/patterns/${pattern.id}?delete_future=true`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			message: `Pattern ${pattern.id} deleted, with its future unedited sessions; past and edited sessions remain.`,
		});
		expect(await sessionsOfPattern(pattern.id)).toEqual([...past, ...handled]);
	});

	it("answers 404 for the pattern afterwards and drops it from the list", async () => {
		const { pattern } = await createPattern(weeklyClass);
		await api("DELETE", `/api/patterns/${pattern.id}?delete_future=true`);
		expectProblem(await api("GET", `/api/patterns/${pattern.id}`), 404);
		expectProblem(await api("PATCH", `/api/patterns/${pattern.id}`, { body: { title: "x" } }), 404);
		expectProblem(await api("DELETE", `/api/patterns/${pattern.id}`), 404);
		const list = await api("GET", "/api/patterns");
		expect(list.body.map((row: { id: number }) => row.id)).not.toContain(pattern.id);
	});

	it("is what a DELETE without delete_future does", async () => {
		const { pattern, past } = await classWithHandledSessions();
		expect((await api("DELETE", `/api/patterns/${pattern.id}`)).status).toBe(200);
		expectProblem(await api("GET", `/api/patterns/${pattern.id}`), 404);
		expect((await sessionsOfPattern(pattern.id)).slice(0, 6)).toEqual(past);
	});

	it("leaves nothing for the cron to generate", async () => {
		const { pattern } = await createPattern({ ...weeklyClass, generate_occurrences: false });
		await api("DELETE", `/api/patterns/${pattern.id}?delete_future=true`);
		await runCron({ at: CLASS_CLOCK });
		expect(await sessionsOfPattern(pattern.id)).toEqual([]);
	});
});

describe("DELETE /api/patterns/{id}?delete_future=false", () => {
	it("only deactivates the pattern; every session stays", async () => {
		const { pattern, past, future, handled } = await classWithHandledSessions();
		const response = await api("DELETE", `/api/patterns/${pattern.id}?delete_future=false`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			message: `Pattern ${pattern.id} deactivated; its sessions remain and no new ones will be generated.`,
		});
		const after = await api("GET", `/api/patterns/${pattern.id}`);
		expect(after.body).toMatchObject({ id: pattern.id, is_active: false });
		expect(await sessionsOfPattern(pattern.id)).toEqual([...past, future, ...handled]);
	});

	it("stops the cron from generating more", async () => {
		const { pattern } = await createPattern(weeklyClass);
		await api("DELETE", `/api/patterns/${pattern.id}?delete_future=false`);
		await runCron({ at: CLASS_CLOCK });
		expect(await sessionsOfPattern(pattern.id)).toHaveLength(10);
	});
});
