// The bench's verdicts and its printed table (Markdown, so the README can quote it).

const BUDGETS = { bundleGzipKiB: 200, frameworkRatio: 1.3, rawRowsRatio: 1.3 };

/** Each budget with its measured value and whether it holds. */
export function checkBudgets(results) {
	const budgets = [];
	const check = (name, value, limit, unit) =>
		budgets.push({ name, value, limit, unit, pass: value <= limit });
	check("bundle (minified, gzip)", results.bundle.gzipKiB, BUDGETS.bundleGzipKiB, "KiB");
	check(
		"API / bare handler (same SQL, same output)",
		results.framework_overhead.ratio_median_of_pairs,
		BUDGETS.frameworkRatio,
		"×",
	);
	check(
		"API / raw D1 rows (same SQL)",
		results.framework_overhead.ratio_to_raw_rows_median_of_pairs,
		BUDGETS.rawRowsRatio,
		"×",
	);
	check("range query round trips", results.range_week.queries_max, 1, "queries");
	check("cron re-run rows written", results.rerun.rows_written, 0, "rows");
	check(
		"small calendar's range pages: rows read beyond returned (max)",
		results.calendars.rows_read_beyond_returned_max,
		2,
		"rows",
	);
	check("booking rush invariant violations", results.booking_rush.violations.length, 0, "");
	check("booking round trips", results.booking_rush.rush.queries_max, 1, "queries");
	check("first materialization runs", results.first_materialization.complete ? 1 : 2, 1, "runs");
	return budgets;
}

export function printTable(results) {
	const rows = [
		[
			"machine",
			`${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node}, load average ${results.machine.load_average_at_start} at start`,
		],
		[
			"data set",
			`${results.dataset.patterns} patterns, ${results.dataset.one_time_sessions} one-time sessions (patterns loaded through the API in ${results.dataset.load_seconds} s)`,
		],
		[
			"pattern create (3 months of sessions)",
			`p50 ${results.pattern_create.p50_ms} ms, p95 ${results.pattern_create.p95_ms} ms; ${results.pattern_create.queries_max} query; ${results.pattern_create.rows_written_p50} rows written (p50, ${results.pattern_create.sessions_per_pattern_p50} sessions)`,
		],
		[
			"first materialization",
			`${results.first_materialization.sessions_created} sessions for ${results.first_materialization.patterns} patterns: ${results.first_materialization.wall_ms} ms wall (D1 ${results.first_materialization.d1_ms} ms), ${results.first_materialization.round_trips} round trips, ${results.first_materialization.batches} batches, ${results.first_materialization.rows_written} rows written, ${results.first_materialization.rows_read} rows read`,
		],
		[
			"re-run (nothing due)",
			`${results.rerun.wall_ms} ms, ${results.rerun.round_trips} query, ${results.rerun.rows_read} rows read, ${results.rerun.rows_written} written`,
		],
		...["range_week", "range_month"].map((name) => [
			name === "range_week" ? "range query, week" : "range query, month",
			`p50 ${results[name].p50_ms} ms, p95 ${results[name].p95_ms} ms; ${results[name].queries_max} query; ${results[name].rows_returned_p50} rows returned, ${results[name].rows_read_p50} read (p50)`,
		]),
		...["week", "month"].map((name) => [
			`range query, ${name}, small calendar next to ${results.calendars.big_calendar_sessions} sessions`,
			`p50 ${results.calendars[name].p50_ms} ms, p95 ${results.calendars[name].p95_ms} ms; ${results.calendars[name].queries_max} query; ${results.calendars[name].rows_returned_p50} rows returned, ${results.calendars[name].rows_read_p50} read (p50)`,
		]),
		[
			"framework overhead",
			`API p50 ${results.framework_overhead.api_p50_ms} ms, bare handler with the same output ${results.framework_overhead.bare_same_output_p50_ms} ms, raw D1 rows ${results.framework_overhead.bare_raw_rows_p50_ms} ms; median paired ratio ${results.framework_overhead.ratio_median_of_pairs}× (${results.framework_overhead.ratio_to_raw_rows_median_of_pairs}× to raw rows)`,
		],
		...[
			["booking rush (one session, 20 seats)", results.booking_rush.rush],
			["booking spread load", results.booking_rush.spread],
		].map(([name, run]) => [
			name,
			`${run.requests} bookings at ${results.booking_rush.concurrency} in flight: ${run.per_second}/s, p50 ${run.p50_ms} ms, p95 ${run.p95_ms} ms; ${run.queries_max} query; ${run.confirmed} confirmed, ${run.waitlisted} waitlisted`,
		]),
		[
			"booking invariant",
			results.booking_rush.violations.length === 0
				? "never overbooked; counts match the rosters; lines 1..n"
				: results.booking_rush.violations.join("; "),
		],
		["bundle", `${results.bundle.minifiedKiB} KiB minified, ${results.bundle.gzipKiB} KiB gzip`],
	];
	console.log("| measure | result |\n|---|---|");
	for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
	console.log("\n| budget | value | limit | |\n|---|---|---|---|");
	for (const budget of results.budgets) {
		console.log(
			`| ${budget.name} | ${budget.value} ${budget.unit} | ≤ ${budget.limit} ${budget.unit} | ${budget.pass ? "pass" : "FAIL"} |`,
		);
	}
}
