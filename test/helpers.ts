import { env, exports } from "cloudflare:workers";

export const ROOT_TOKEN = "test-root-token";
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

export async function tableCounts() {
	const row = await env.DB.prepare(
		"SELECT (SELECT count(*) FROM patterns) AS patterns, (SELECT count(*) FROM occurrences) AS occurrences, (SELECT coalesce(sum(version), 0) FROM patterns) + (SELECT coalesce(sum(version), 0) FROM occurrences) AS versions",
	).first<{ patterns: number; occurrences: number; versions: number }>();
	return row;
}
