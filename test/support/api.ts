// The request helper every API test goes through, and the assertions on what it returns.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ProblemCode } from "../../src/http/problem";
import worker from "../../src/index";
import type { BodyOf, Problem } from "./types";

export type { Problem };

export const ROOT_TOKEN = "test-root-token-0123456789abcdefghij";
export const BASE = "https://calendar.test";

export interface ApiResponse<T = unknown> {
	status: number;
	headers: Headers;
	body: T;
}

/**
 * Calls the Worker's real fetch entry point; JSON bodies in and out, the root token by default.
 * The body is typed as the route documents its success (`BodyOf`); give `T` for anything else
 * (a problem: read it through `expectProblem`).
 */
export async function api<T = never, M extends string = string, P extends string = string>(
	method: M,
	path: P,
	options: {
		body?: unknown;
		headers?: Record<string, string>;
		token?: string | null;
		raw?: string;
	} = {},
): Promise<ApiResponse<[T] extends [never] ? BodyOf<M, P> : T>> {
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

/**
 * Calls the Worker's entry point with some vars changed (PUBLIC_READ, CORS_ORIGINS): the same
 * fetch handler the runtime calls, given another Env, as a deployment with other vars would.
 */
export async function fetchWithVars(
	vars: Partial<Env>,
	path: string,
	init: RequestInit = {},
): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		new Request(`${BASE}${path}`, init),
		{ ...env, ...vars },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

/** `value`, which the test needs to be there: a missing one fails here, by name. */
export function present<T>(value: T | null | undefined, what = "value"): T {
	if (value === null || value === undefined) throw new Error(`expected ${what}, got ${value}`);
	return value;
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

/** The exact Server-Timing form the API promises, with its numbers. */
export const serverTimingShape =
	/^d1;dur=(\d+(?:\.\d+)?);desc="queries=(\d+) rows_read=(\d+) rows_written=(\d+)"$/;

/**
 * Asserts an RFC 9457 problem with `status` (and, when given, exactly this problem `type`);
 * returns its body for further checks.
 */
export function expectProblem(response: ApiResponse, status: number, type?: ProblemCode) {
	const body = response.body;
	expect(response.status, JSON.stringify(body)).toBe(status);
	expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	expect(body).toMatchObject({
		type: type
			? `https://calendar-api.dev/problems/${type}`
			: expect.stringMatching(/^https:\/\/.+\/problems\/\w+$/),
		title: expect.any(String),
		status,
		detail: expect.any(String),
		instance: expect.stringMatching(/^\//),
	});
	return body as Problem;
}

/** The problem+json body of a response (asserting it is one), for tests that read its fields. */
export function problemOf(response: ApiResponse): Problem {
	expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	return response.body as Problem;
}

/** Asserts a 400 validation problem that names exactly these fields. */
export function expectFieldErrors(response: ApiResponse, paths: string[]) {
	const problem = expectProblem(response, 400);
	expect(problem.errors?.map((error) => error.path)).toEqual(paths);
	return problem.errors ?? [];
}
