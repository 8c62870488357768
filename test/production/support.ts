import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../src/index";
import { type ApiResponse, api } from "../helpers";

export const BASE = "https://calendar.test";

/** Creates an API key through the API (as root) and returns its secret and id. */
export async function createKey(scopes: string[], name = `key ${scopes.join("+")}`) {
	const response = await api("POST", "/api/keys", { body: { name, scopes } });
	if (response.status !== 201) {
		throw new Error(`createKey: ${response.status} ${JSON.stringify(response.body)}`);
	}
	return response.body as { id: number; key: string; name: string; scopes: string[] };
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

/** The exact Server-Timing form the API promises, with its numbers. */
export const serverTimingShape =
	/^d1;dur=(\d+(?:\.\d+)?);desc="queries=(\d+) rows_read=(\d+) rows_written=(\d+)"$/;

/** Asserts an RFC 9457 problem response of this status and type; returns its body. */
export function expectProblem(response: ApiResponse, status: number, type: string) {
	const body = response.body;
	expect(response.status, JSON.stringify(body)).toBe(status);
	expect(response.headers.get("Content-Type")).toBe("application/problem+json");
	expect(body).toMatchObject({ type: `https://calendar-api.dev/problems/${type}`, status });
	expect(body.detail).toEqual(expect.any(String));
	return body as { type: string; title: string; status: number; detail: string; instance: string };
}

/** Sessions of a pattern from D1 directly: start instants (ms) of the scheduled future ones. */
export async function futureStarts(patternId: number): Promise<number[]> {
	const { results } = await env.DB.prepare(
		"SELECT start_at FROM occurrences WHERE pattern_id = ? AND status = 'scheduled' AND start_at >= ? ORDER BY start_at",
	)
		.bind(patternId, Date.now())
		.all<{ start_at: number }>();
	return results.map((row) => row.start_at);
}
