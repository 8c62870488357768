// `npm run load -- --duration 20 --concurrency 8`: starts `wrangler dev` on a fresh local D1
// (a temporary --persist-to directory, migrations applied, 127.0.0.1 on a free port), drives it
// with a mixed read/write workload from this process for a fixed time, and reports throughput
// and latency percentiles per request kind. Exits non-zero on any error or 5xx. Traffic goes to
// loopback only, and every loop is bounded by the deadline.
import { parseArgs } from "node:util";
import {
	removeDir,
	rootToken,
	startLocalWorker,
	tempDir,
	throwawayConfig,
} from "./lib/local-worker.mjs";

const { values } = parseArgs({
	options: {
		duration: { type: "string", default: "20" },
		concurrency: { type: "string", default: "8" },
	},
});
const durationS = Number(values.duration);
const concurrency = Number(values.concurrency);
if (!(durationS > 0 && durationS <= 600) || !(Number.isInteger(concurrency) && concurrency >= 1)) {
	console.error("usage: npm run load -- [--duration SECONDS (1–600)] [--concurrency N]");
	process.exit(2);
}

const TOKEN = rootToken();
let server;
let configDir;

// --- The workload -------------------------------------------------------------------------

const latencies = new Map();
let total = 0;
let errors = 0;
let serverErrors = 0;
const samples = [];

async function call(base, kind, method, path, body, expected) {
	const started = performance.now();
	let status = 0;
	let payload;
	try {
		const response = await fetch(`${base}${path}`, {
			method,
			headers: {
				Authorization: `Bearer ${TOKEN}`,
				...(body === undefined ? {} : { "Content-Type": "application/json" }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		status = response.status;
		const text = await response.text();
		payload =
			text && response.headers.get("Content-Type")?.includes("json") ? JSON.parse(text) : text;
	} catch (error) {
		payload = String(error);
	}
	const elapsed = performance.now() - started;
	total += 1;
	if (!latencies.has(kind)) latencies.set(kind, []);
	latencies.get(kind).push(elapsed);
	if (status >= 500) serverErrors += 1;
	if (status !== expected) {
		errors += 1;
		if (samples.length < 5)
			samples.push(
				`${kind}: ${method} ${path} → ${status} ${JSON.stringify(payload).slice(0, 300)}`,
			);
		return undefined;
	}
	return payload;
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const pick = (items) => items[Math.floor(Math.random() * items.length)];

const randomTitle = (prefix) => `${prefix} ${Math.random().toString(36).slice(2, 8)}`;

/** One client: owns its pattern and sessions, so its writes never contend with another's. */
async function client(base, id, deadline) {
	/** Sends one request of `kind`, expecting `expected`; answers the parsed body or undefined. */
	const send = (kind, expected, method, path, body) =>
		call(base, kind, method, path, body, expected);
	const newPattern = (title, rule) =>
		send("create pattern", 201, "POST", "/api/patterns", { title, ...rule });
	const created = await newPattern(`Load class ${id}`, {
		weekdays: [id % 7, (id + 3) % 7],
		time: "18:00",
		timezone: pick(["Europe/Paris", "America/New_York", "Asia/Tokyo"]),
		start_date: day(1),
		months_ahead: 2,
	});
	if (!created) return;
	const patternId = created.pattern.id;
	const sessions = [];
	const range = () => {
		const start = Date.now() + Math.floor(Math.random() * 30) * 86_400_000;
		const end = start + 14 * 86_400_000;
		return `start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}`;
	};
	const kinds = [
		[30, () => send("list range", 200, "GET", `/api/occurrences?${range()}`)],
		[15, () => send("get pattern", 200, "GET", `/api/patterns/${patternId}`)],
		[5, () => send("list patterns", 200, "GET", "/api/patterns?limit=50")],
		[
			12,
			async () => {
				const row = await send("create session", 201, "POST", "/api/occurrences", {
					title: randomTitle(`Load session ${id}`),
					start_datetime: new Date(Date.now() + Math.random() * 60 * 86_400_000).toISOString(),
					duration_minutes: 45,
				});
				if (row) sessions.push(row.id);
			},
		],
		[
			12,
			() =>
				sessions.length && send("get session", 200, "GET", `/api/occurrences/${pick(sessions)}`),
		],
		[
			12,
			() =>
				sessions.length &&
				send("edit session", 200, "PATCH", `/api/occurrences/${pick(sessions)}`, {
					title: randomTitle("Edited"),
				}),
		],
		[
			6,
			() =>
				send("edit pattern", 200, "PATCH", `/api/patterns/${patternId}`, {
					title: randomTitle(`Load class ${id}`),
					duration_minutes: 30 + Math.floor(Math.random() * 60),
				}),
		],
		[
			3,
			async () => {
				const target = sessions.pop();
				if (target) await send("cancel session", 200, "DELETE", `/api/occurrences/${target}`);
			},
		],
		[
			5,
			() =>
				newPattern(`Load extra ${id}`, {
					weekday: Math.floor(Math.random() * 7),
					time: "07:15",
					start_date: day(2),
					months_ahead: 1,
				}),
		],
	];
	const weights = kinds.reduce((sum, [weight]) => sum + weight, 0);
	while (Date.now() < deadline) {
		const [, run] = weighted(kinds, Math.random() * weights);
		await run();
	}
}

/** The entry whose weight band holds `roll` (0 ≤ roll < the sum of the weights). */
function weighted(entries, roll) {
	let rest = roll;
	for (const entry of entries) {
		rest -= entry[0];
		if (rest < 0) return entry;
	}
	return entries[0];
}

/** The materialize job now and then, as an operator (or the cron) would run it alongside. */
async function operator(base, deadline) {
	while (Date.now() < deadline) {
		await call(base, "materialize job", "POST", "/api/jobs/materialize", { months_ahead: 3 }, 200);
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

function percentile(sorted, p) {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const fmt = (ms) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)}`;

try {
	configDir = tempDir("calendar-load-config");
	server = await startLocalWorker({
		prefix: "calendar-load",
		// Eight clients write far faster than a production credential may (WRITE_LIMITER).
		config: throwawayConfig(configDir),
		vars: { ADMIN_TOKEN: TOKEN },
		// Warnings only: wrangler then drops the Worker's log line per request, a cost under load.
		args: ["--log-level", "warn"],
		readyTimeoutMs: 60_000,
	});
	const base = server.origin;
	console.log(`load: wrangler dev on ${base}; ${concurrency} clients for ${durationS} s`);
	const started = performance.now();
	const deadline = Date.now() + durationS * 1000;
	await Promise.all([
		...Array.from({ length: concurrency }, (_, i) => client(base, i, deadline)),
		operator(base, deadline),
	]);
	const seconds = (performance.now() - started) / 1000;

	const rows = [["kind", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"]];
	const all = [];
	for (const [kind, times] of [...latencies].sort((a, b) => b[1].length - a[1].length)) {
		const sorted = times.toSorted((a, b) => a - b);
		all.push(...sorted);
		rows.push([
			kind,
			String(sorted.length),
			(sorted.length / seconds).toFixed(1),
			fmt(percentile(sorted, 50)),
			fmt(percentile(sorted, 95)),
			fmt(percentile(sorted, 99)),
			fmt(sorted.at(-1) ?? 0),
		]);
	}
	const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
	for (const row of rows) {
		console.log(
			row
				.map((cell, column) =>
					column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
				)
				.join("  "),
		);
	}
	for (const sample of samples) console.log(`unexpected: ${sample}`);
	all.sort((a, b) => a - b);
	console.log(
		`load: ${total} requests, ${errors} errors, ${serverErrors} 5xx, ${Math.round(total / seconds)} req/s, p95 ${fmt(percentile(all, 95))} ms`,
	);
	process.exitCode = errors === 0 && serverErrors === 0 && total > 0 ? 0 : 1;
} catch (error) {
	console.error(`load: ${error.message}`);
	console.log(
		`load: ${total} requests, ${errors + 1} errors, ${serverErrors} 5xx, 0 req/s, p95 0 ms`,
	);
	process.exitCode = 1;
} finally {
	await server?.stop();
	if (configDir) removeDir(configDir);
}
process.exit();
