// Races with "this and following" (POST /api/patterns/{id}/split): splits racing cron runs,
// edits of the same pattern, edits of its sessions and a second split.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { horizonEnd } from "../../src/recurrence";
import { type ApiResponse, api } from "../support/api";
import { runCron } from "../support/cron";
import { todayPlus } from "../support/dates";
import { createPattern } from "../support/fixtures";
import { calendarViolations } from "../support/invariants";
import type { StoredOccurrence } from "../support/types";

// Each round makes a few dozen concurrent requests. With every suite running at once on 2 cores,
// that can take longer than vitest's 5 s default.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const HORIZON_MONTHS = Number(env.HORIZON_MONTHS);

async function sessionIds(patternId: number, fromDay: string, count: number): Promise<number[]> {
	const { results } = await env.DB.prepare(
		"SELECT id FROM occurrences WHERE pattern_id = ? AND start_at >= ? ORDER BY start_at LIMIT ?",
	)
		.bind(patternId, Date.parse(fromDay), count)
		.all<{ id: number }>();
	return results.map((row) => row.id);
}

const row = (id: number) =>
	env.DB.prepare("SELECT * FROM occurrences WHERE id = ?").bind(id).first<StoredOccurrence>();

beforeAll(() => {
	vi.spyOn(console, "log").mockImplementation(() => {});
});
afterAll(() => {
	vi.restoreAllMocks();
});

describe("splits racing cron runs and edits", () => {
	it.each([1, 2, 3, 4])("round %i: every session on the right series, once", async (round) => {
		const tag = `Split race ${round}`;
		const { pattern } = await createPattern({
			title: tag,
			weekday: undefined,
			weekdays: [1, 4],
			start_date: todayPlus(1),
			months_ahead: 3,
		});
		const from = todayPlus(22);
		const [before] = await sessionIds(pattern.id, todayPlus(1), 1);
		const [afterA, afterB, afterC] = await sessionIds(pattern.id, from, 3);
		const now = Date.now();

		const named = {
			split: api("POST", `/api/patterns/${pattern.id}/split`, {
				body: { from, changes: { time: "19:00", title: `${tag} evenings` } },
			}),
			secondSplit: api("POST", `/api/patterns/${pattern.id}/split`, {
				body: { from: todayPlus(40), changes: { weekdays: [2] } },
			}),
			rename: api("PATCH", `/api/patterns/${pattern.id}`, { body: { description: "renamed" } }),
			editBefore: api("PATCH", `/api/occurrences/${before}`, { body: { title: `${tag} early` } }),
			editAfter: api("PATCH", `/api/occurrences/${afterA}`, { body: { title: `${tag} late` } }),
			cancelAfter: api("DELETE", `/api/occurrences/${afterB}`),
			completeAfter: api("POST", `/api/occurrences/${afterC}/complete`),
			job: api("POST", "/api/jobs/materialize", { body: {} }),
		};
		await Promise.all([...Object.values(named), runCron({ at: now }), runCron({ at: now })]);
		const responses = await Promise.all(Object.values(named));
		const settled = Object.fromEntries(
			Object.keys(named).map((name, i) => [name, responses[i]]),
		) as Record<keyof typeof named, ApiResponse>;
		for (const response of responses) {
			expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
		}

		// The two splits of one version: at most one wins; a loser wrote nothing (409).
		const splits = [settled.split, settled.secondSplit];
		expect(splits.filter((response) => response.status === 201).length).toBeLessThanOrEqual(1);
		for (const loser of splits.filter((response) => response.status !== 201)) {
			expect(loser.status).toBe(409);
		}
		expect(settled.rename.status).toBe(200);
		// A session edit wins (it stays, an exception, on whichever series held it) or finds its
		// session already moved to the new series (404): never lost.
		for (const [edit, id, title] of [
			[settled.editBefore, before, `${tag} early`],
			[settled.editAfter, afterA, `${tag} late`],
		] as const) {
			const stored = await row(id as number);
			if (edit.status === 200) expect(stored).toMatchObject({ title, is_exception: 1 });
			else expect([edit.status, stored]).toEqual([404, null]);
		}
		// The session before `from` is never moved.
		expect((await row(before as number))?.pattern_id).toBe(pattern.id);

		expect(await calendarViolations()).toEqual([]);
		const later = Date.now();
		await runCron({ at: later });
		expect(await calendarViolations({ horizon: horizonEnd(later, HORIZON_MONTHS) })).toEqual([]);
	});
});
