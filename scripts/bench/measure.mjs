// Timing and D1 accounting for bench requests: wall time at the client, D1's own counts from the
// Server-Timing header the API sends (queries, rows read, rows written, D1 time).

export function percentile(values, p) {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const median = (values) => percentile(values, 50);

/** `d1;dur=1.23;desc="queries=1 rows_read=10 rows_written=0"` → numbers. */
export function serverTiming(header) {
	const value = (name) => Number(new RegExp(`${name}=([\\d.]+)`).exec(header ?? "")?.[1] ?? NaN);
	return {
		d1Ms: value("dur"),
		queries: value("queries"),
		rowsRead: value("rows_read"),
		rowsWritten: value("rows_written"),
	};
}

export function client(origin, token) {
	return async function call(method, path, body) {
		const started = performance.now();
		const response = await fetch(`${origin}${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${token}`,
				...(body === undefined ? {} : { "Content-Type": "application/json" }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		const ms = performance.now() - started;
		if (!response.ok)
			throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
		return {
			ms,
			body: text ? JSON.parse(text) : undefined,
			d1: serverTiming(response.headers.get("Server-Timing")),
		};
	};
}

/** Runs `count` tasks with at most `width` in flight; returns their results in order. */
export async function pool(count, width, task) {
	const results = new Array(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			results[index] = await task(index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
	return results;
}

/** p50/p95 of latencies and the D1 figures of a set of calls. */
export function summarize(calls) {
	return {
		requests: calls.length,
		p50_ms: round(median(calls.map((call) => call.ms))),
		p95_ms: round(
			percentile(
				calls.map((call) => call.ms),
				95,
			),
		),
		queries_max: Math.max(...calls.map((call) => call.d1.queries)),
		rows_read_p50: median(calls.map((call) => call.d1.rowsRead)),
		rows_written_p50: median(calls.map((call) => call.d1.rowsWritten)),
	};
}

export const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
