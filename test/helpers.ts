import {
	createExecutionContext,
	createScheduledController,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, expect, vi } from "vitest";
import worker from "../src/index";

export const ROOT_TOKEN = "test-root-token-0123456789abcdefghij";
const BASE = "https://calendar.test";

export interface ApiResponse<T = any> {
	status: number;
	headers: Headers;
	body: T;
}

/** Calls the Worker's real fetch entry point; JSON bodies in and out, the root token by default. */
export async function api<T = any>(
	method: string,
	path: string,
	options: {
		body?: unknown;
		headers?: Record<string, string>;
		token?: string | null;
		raw?: string;
	} = {},
): Promise<ApiResponse<T>> {
	const headers: Record<string, string> = { ...options.headers };
	const token = options.token === undefined ? ROOT_TOKEN : options.token;
	if (token !== null) headers.Authorization ??= `Bearer ${token}`;
	let body: string | undefined = options.raw;
	if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers["Content-Type"] ??= "application/json";
	}
	const response = await exports.default.fetch(`${BASE}${path}`, { method, headers, body });
	const text = await response.text();
	const type = response.headers.get("Content-Type") ?? "";
	const parsed = type.includes("json") && text ? JSON.parse(text) : text;
	return { status: response.status, headers: response.headers, body: parsed };
}

/** D1 usage of a response, from its Server-Timing header. */
export function d1Usage(response: ApiResponse) {
	const header = response.headers.get("Server-Timing") ?? "";
	const number = (name: string) =>
		Number(new RegExp(`${name}=(\\d+)`).exec(header)?.[1] ?? Number.NaN);
	return {
		queries: number("queries"),
		rowsRead: number("rows_read"),
		rowsWritten: number("rows_written"),
	};
}

export const validPattern = (overrides: Record<string, unknown> = {}) => ({
	title: "Morning yoga",
	weekday: 1,
	time: "07:30",
	timezone: "Europe/Paris",
	duration_minutes: 60,
	start_date: todayPlus(0),
	...overrides,
});

export async function createPattern(overrides: Record<string, unknown> = {}) {
	const response = await api("POST", "/api/patterns", { body: validPattern(overrides) });
	if (response.status !== 201)
		throw new Error(`createPattern: ${response.status} ${JSON.stringify(response.body)}`);
	return response.body as { pattern: any; occurrences_created: number };
}

export async function createOneTime(overrides: Record<string, unknown> = {}) {
	const response = await api("POST", "/api/occurrences", {
		body: {
			title: "Open house",
			start_datetime: "2030-02-14T10:00:00Z",
			duration_minutes: 90,
			...overrides,
		},
	});
	if (response.status !== 201)
		throw new Error(`createOneTime: ${response.status} ${JSON.stringify(response.body)}`);
	return response.body;
}

/** "YYYY-MM-DD" of the UTC day `days` from today. */
export function todayPlus(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export async function sessionsOf(patternId: number) {
	const { results } = await env.DB.prepare(
		"SELECT * FROM occurrences WHERE pattern_id = ? ORDER BY start_at, id",
	)
		.bind(patternId)
		.all<Record<string, any>>();
	return results;
}

/** Empties the data tables, for tests whose assertions count over every pattern (the cron's). */
export async function emptyTables() {
	await env.DB.batch([
		env.DB.prepare("DELETE FROM occurrences"),
		env.DB.prepare("DELETE FROM patterns"),
	]);
}

export async function tableCounts() {
	const row = await env.DB.prepare(
		"SELECT (SELECT count(*) FROM patterns) AS patterns, (SELECT count(*) FROM occurrences) AS occurrences, (SELECT coalesce(sum(version), 0) FROM patterns) + (SELECT coalesce(sum(version), 0) FROM occurrences) AS versions",
	).first<{ patterns: number; occurrences: number; versions: number }>();
	return row;
}

/**
 * Freezes the Worker's clock at `iso` for every test of the calling file, so "today", the horizon
 * and created_at are exact. Only Date is faked: timers stay real, which D1 I/O needs.
 */
export function useClock(iso: string) {
	beforeEach(() => {
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(new Date(iso));
	});
	afterEach(() => {
		vi.useRealTimers();
	});
}

/** Asserts an RFC 9457 problem with `status`; returns its body for further checks. */
export function expectProblem(response: ApiResponse, status: number) {
	expect(response.status).toBe(status);
	expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	expect(response.body).toMatchObject({
		type: expect.stringMatching(/^https:\/\/.+\/problems\/\w+$/),
		title: expect.any(String),
		status,
		detail: expect.any(String),
		instance: expect.stringMatching(/^\//),
	});
	return response.body as {
		type: string;
		title: string;
		detail: string;
		instance: string;
		errors?: { path: string; message: string }[];
	};
}

/** Asserts a 400 validation problem that names exactly these fields. */
export function expectFieldErrors(response: ApiResponse, paths: string[]) {
	const problem = expectProblem(response, 400);
	expect(problem.errors?.map((error) => error.path)).toEqual(paths);
	return problem.errors ?? [];
}

/** GET /api/occurrences for [start, end), optionally with `status`; expects 200. */
export async function listRange(start: string, end: string, status?: string) {
	const query = new URLSearchParams({ start, end, ...(status ? { status } : {}) });
	const response = await api("GET", `/api/occurrences?${query}`);
	expect(response.status).toBe(200);
	return response.body as any[];
}

/** A pattern's sessions as the range endpoint returns them (other tests' rows filtered out). */
export async function sessionsOfPattern(
	patternId: number,
	window = { start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z" },
) {
	const sessions = await listRange(window.start, window.end);
	return sessions.filter((session) => session.pattern_id === patternId);
}

export const startsOf = (sessions: { start_datetime: string }[]) =>
	sessions.map((session) => session.start_datetime);

export interface CronReport {
	event: string;
	trigger: string;
	horizon: string;
	patterns_scanned: number;
	occurrences_created: number;
}

/**
 * Fires the Worker's scheduled handler `runs` times at once (at `at`, default now), as the Cron
 * Trigger would, and waits for its waitUntil work. Returns every line logged meanwhile, parsed as
 * JSON (a line that is not JSON fails the test).
 */
export async function runCron(
	options: { at?: string; horizonMonths?: string; runs?: number } = {},
) {
	// Captured, not printed: the lines are the assertion.
	const log = vi.spyOn(console, "log").mockImplementation(() => {});
	const cronEnv = options.horizonMonths ? { ...env, HORIZON_MONTHS: options.horizonMonths } : env;
	try {
		await Promise.all(
			Array.from({ length: options.runs ?? 1 }, async () => {
				const ctx = createExecutionContext();
				const controller = createScheduledController({
					scheduledTime: options.at ? new Date(options.at) : new Date(),
					cron: "0 3 * * *",
				});
				await worker.scheduled(controller, cronEnv, ctx);
				await waitOnExecutionContext(ctx);
			}),
		);
		return log.mock.calls.map(([line]) => JSON.parse(String(line)) as CronReport);
	} finally {
		log.mockRestore();
	}
}

/** Sunday 2026-02-15: `weeklyClass` sessions before it are history, those after it the future. */
export const CLASS_CLOCK = "2026-02-15T12:00:00Z";

/** Tuesdays at 07:30Z from 2026-01-06; with CLASS_CLOCK, ten sessions through 2026-03-10. */
export const weeklyClass = {
	title: "Yoga",
	description: "",
	weekday: 1,
	time: "07:30",
	timezone: "UTC",
	duration_minutes: 60,
	start_date: "2026-01-06",
	months_ahead: 1,
};

/**
 * A `weeklyClass` at CLASS_CLOCK with six past sessions, then Feb 17 left alone, Feb 24 edited
 * by hand, Mar 3 cancelled and Mar 10 completed. Returns the sessions as they then read.
 */
export async function classWithHandledSessions() {
	const { pattern } = await createPattern(weeklyClass);
	const sessions = await sessionsOfPattern(pattern.id);
	const [edited, cancelled, completed] = sessions.slice(7);
	await api("PATCH", `/api/occurrences/${edited.id}`, { body: { title: "Guest teacher" } });
	await api("DELETE", `/api/occurrences/${cancelled.id}`);
	await api("POST", `/api/occurrences/${completed.id}/complete`);
	const before = await sessionsOfPattern(pattern.id);
	return { pattern, past: before.slice(0, 6), future: before[6], handled: before.slice(7) };
}
