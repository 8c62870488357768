#!/usr/bin/env node
// npm run bench [-- --patterns 10000 --one-time 20000 --creates 200 --samples 60 --ratio-samples 200
//                   --big-calendar 100000]
//
// Boots the worker locally (`wrangler dev`, fresh D1 in a temp dir, loopback only), loads a
// realistic data set, measures latency and D1 cost of the hot paths, prints a table, writes JSON to
// bench-results/, and exits non-zero if a budget fails. See the README, "Performance".
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { oneTimeSql, patternBodies } from "./bench/dataset.mjs";
import { client, median, pool, round, summarize } from "./bench/measure.mjs";
import { checkBudgets, printTable } from "./bench/report.mjs";
import { bookingRush } from "./bench/rush.mjs";
import { bundleSize, executeSql, prepareDeployment, startServer } from "./bench/server.mjs";
import { applyMigrations, removeDir, root, rootToken } from "./lib/local-worker.mjs";

const { values: flags } = parseArgs({
	options: {
		patterns: { type: "string", default: "10000" },
		"one-time": { type: "string", default: "20000" },
		creates: { type: "string", default: "200" },
		samples: { type: "string", default: "60" },
		"ratio-samples": { type: "string", default: "200" },
		"big-calendar": { type: "string", default: "100000" },
		concurrency: { type: "string", default: "8" },
		"rush-clients": { type: "string", default: "200" },
		"rush-sessions": { type: "string", default: "20" },
		"rush-concurrency": { type: "string", default: "50" },
		keep: { type: "boolean", default: false },
	},
});
const count = (name) => {
	const value = Number(flags[name]);
	if (!Number.isInteger(value) || value < 1)
		throw new Error(`--${name} must be a positive integer`);
	return value;
};

const DAY_MS = 86_400_000;

/** Monday 00:00 UTC at least a week ahead, and the first of next month: inside the horizon. */
function windows(now) {
	const today = Date.UTC(
		new Date(now).getUTCFullYear(),
		new Date(now).getUTCMonth(),
		new Date(now).getUTCDate(),
	);
	const monday = today + (((8 - new Date(today).getUTCDay()) % 7) + 7) * DAY_MS;
	const month = new Date(today);
	const monthStart = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1);
	const monthEnd = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 2, 1);
	const query = (start, end) =>
		`start=${new Date(start).toISOString()}&end=${new Date(end).toISOString()}`;
	return {
		weeks: [0, 1, 2, 3].map((k) => query(monday + k * 7 * DAY_MS, monday + (k + 1) * 7 * DAY_MS)),
		month: query(monthStart, monthEnd),
	};
}

async function rangeCalls(call, path, queries, samples) {
	const calls = [];
	for (let index = 0; index < samples; index++) {
		calls.push(await call("GET", `${path}?${queries[index % queries.length]}`));
	}
	return calls;
}

/**
 * A small studio's range pages next to a calendar of `--big-calendar` sessions (every day of a
 * year, through the API: 364 sessions per pattern): the small one's pages must read what they
 * return + 2, whatever the big one holds.
 */
async function calendarRanges(call, { now, weeks, month, samples }) {
	const created = async (body) => (await call("POST", "/api/calendars", body)).body.id;
	const small = await created({ name: "Small studio", timezone: "UTC" });
	const big = await created({ name: "Big chain", timezone: "UTC" });
	const perPattern = 364;
	const bigPatterns = Math.ceil(count("big-calendar") / perPattern);
	const start = new Date(now).toISOString().slice(0, 10);
	let bigSessions = 0;
	await pool(bigPatterns, count("concurrency"), async (index) => {
		const response = await call("POST", "/api/patterns", {
			title: `Chain class ${index}`,
			weekdays: [0, 1, 2, 3, 4, 5, 6],
			time: `${String(6 + (index % 15)).padStart(2, "0")}:${String((index * 7) % 60).padStart(2, "0")}`,
			duration_minutes: index % 20 === 0 ? 180 : 60,
			start_date: start,
			months_ahead: 12,
			calendar_id: big,
		});
		bigSessions += response.body.occurrences_created;
	});
	// A studio's timetable in its own zone, daytime only: nothing in the 2 h before a window's
	// midnight, so "returned + 2" measures the index, not sessions that ended before the window.
	const timetable = [
		[[0, 2, 4], "07:00"],
		[[1, 3], "09:30"],
		[[0, 1, 2, 3, 4], "12:00"],
		[[2, 5], "17:00"],
		[[6], "10:00"],
	];
	for (const [weekdays, time] of timetable) {
		await call("POST", "/api/patterns", {
			title: `Studio class ${time}`,
			weekdays,
			time,
			timezone: "UTC",
			duration_minutes: 60,
			start_date: start,
			months_ahead: 3,
			calendar_id: small,
		});
	}
	const path = "/api/occurrences";
	const scoped = (queries) => queries.map((query) => `${query}&calendar_id=${small}&limit=1000`);
	const weekCalls = await rangeCalls(call, path, scoped(weeks), samples);
	const monthCalls = await rangeCalls(call, path, scoped([month]), samples);
	const beyond = (calls) => Math.max(...calls.map((c) => c.d1.rowsRead - c.body.length));
	return {
		big_calendar_sessions: bigSessions,
		week: {
			...summarize(weekCalls),
			rows_returned_p50: median(weekCalls.map((c) => c.body.length)),
		},
		month: {
			...summarize(monthCalls),
			rows_returned_p50: median(monthCalls.map((c) => c.body.length)),
		},
		rows_read_beyond_returned_max: Math.max(beyond(weekCalls), beyond(monthCalls)),
	};
}

async function run() {
	const results = {
		machine: {
			cpus: cpus().length,
			model: cpus()[0]?.model,
			node: process.version,
			load_average_at_start: round(loadavg()[0] ?? 0),
		},
		dataset: {},
	};
	const token = rootToken();
	const deployment = prepareDeployment();
	let server;
	try {
		const now = Date.now();
		const step = (label) => process.stderr.write(`bench: ${label}\n`);

		step("fresh D1: migrations and one-time sessions");
		applyMigrations(deployment);
		executeSql(deployment, oneTimeSql(count("one-time"), { seed: 2, now }));
		step("starting wrangler dev");
		server = await startServer(deployment, token);
		const call = client(server.origin, token);

		step(`creating ${count("creates")} patterns with 3 months of sessions`);
		const creates = [];
		for (const body of patternBodies(count("creates"), { seed: 1, now, generate: true })) {
			creates.push(await call("POST", "/api/patterns", body));
		}
		results.pattern_create = {
			...summarize(creates),
			sessions_per_pattern_p50: median(creates.map((c) => c.body.occurrences_created)),
		};

		step(`loading ${count("patterns")} patterns (generate_occurrences=false)`);
		const loadStarted = performance.now();
		const bodies = patternBodies(count("patterns"), { seed: 3, now, generate: false });
		await pool(bodies.length, count("concurrency"), (index) =>
			call("POST", "/api/patterns", bodies[index]),
		);
		results.dataset = {
			patterns: count("patterns") + count("creates"),
			one_time_sessions: count("one-time"),
			load_seconds: round((performance.now() - loadStarted) / 1000, 1),
		};

		step("first materialization (POST /api/jobs/materialize)");
		const first = await call("POST", "/api/jobs/materialize", {});
		results.first_materialization = {
			wall_ms: round(first.ms),
			job_ms: first.body.duration_ms,
			d1_ms: round(first.d1.d1Ms),
			round_trips: first.d1.queries,
			batches: first.body.batches,
			patterns: first.body.patterns_scanned,
			sessions_created: first.body.occurrences_created,
			rows_read: first.d1.rowsRead,
			rows_written: first.d1.rowsWritten,
			complete: first.body.complete,
		};
		const again = await call("POST", "/api/jobs/materialize", {});
		results.rerun = {
			wall_ms: round(again.ms),
			round_trips: again.d1.queries,
			rows_read: again.d1.rowsRead,
			rows_written: again.d1.rowsWritten,
			sessions_created: again.body.occurrences_created,
		};

		step("range queries");
		const { weeks, month } = windows(now);
		const samples = count("samples");
		await rangeCalls(call, "/api/occurrences", weeks, 10);
		const weekCalls = await rangeCalls(call, "/api/occurrences", weeks, samples);
		const monthCalls = await rangeCalls(call, "/api/occurrences", [month], samples);
		for (const [name, calls] of [
			["range_week", weekCalls],
			["range_month", monthCalls],
		]) {
			results[name] = {
				...summarize(calls),
				rows_returned_p50: median(calls.map((c) => c.body.length)),
				rows_read_beyond_returned_p50: median(calls.map((c) => c.d1.rowsRead - c.body.length)),
			};
		}

		step(`calendars: a small one next to one of ${count("big-calendar")} sessions`);
		results.calendars = await calendarRanges(call, { now, weeks, month, samples });

		step("framework overhead: API vs bare handlers on the same SQL");
		const ratioSamples = count("ratio-samples");
		const routes = { api: "/api/occurrences", bare: "/__bench/range", raw: "/__bench/raw" };
		const latencies = { api: [], bare: [], raw: [] };
		for (let index = 0; index < ratioSamples + 20; index++) {
			const query = weeks[index % weeks.length];
			for (const [name, path] of Object.entries(routes)) {
				const { ms } = await call("GET", `${path}?${query}`);
				if (index >= 20) latencies[name].push(ms);
			}
		}
		const p50 = (name) => median(latencies[name]);
		// Each API call is paired with the bare calls right after it, so load from other processes
		// on the machine moves both sides of a pair alike; the median pair ratio is the figure.
		const pairRatio = (name) =>
			median(latencies.api.map((ms, index) => ms / latencies[name][index]));
		results.framework_overhead = {
			api_p50_ms: round(p50("api")),
			bare_same_output_p50_ms: round(p50("bare")),
			bare_raw_rows_p50_ms: round(p50("raw")),
			ratio_median_of_pairs: round(pairRatio("bare")),
			ratio_to_raw_rows_median_of_pairs: round(pairRatio("raw")),
		};

		step("booking rush: one popular session, then a spread load");
		results.booking_rush = await bookingRush(call, {
			clients: count("rush-clients"),
			sessions: count("rush-sessions"),
			width: count("rush-concurrency"),
		});

		await server.stop();
		server = undefined;
		step("bundle size (wrangler deploy --dry-run --minify)");
		results.bundle = bundleSize(join(deployment.dir, "dist"));
	} finally {
		if (server) await server.stop();
		if (!flags.keep) removeDir(deployment.dir);
		else process.stderr.write(`bench: kept ${deployment.dir}\n`);
	}

	results.budgets = checkBudgets(results);
	return results;
}

const results = await run();
printTable(results);
const dir = join(root, "bench-results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${new Date().toISOString().replaceAll(":", "-")}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON: ${file}`);
process.exitCode = results.budgets.every((budget) => budget.pass) ? 0 : 1;
