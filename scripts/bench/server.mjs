// A throwaway local deployment for the bench, built on scripts/lib/local-worker.mjs: the production
// wrangler config pointed at the bench entry (bench/bench-worker.ts), a fresh D1 under a temp dir
// that can be seeded before the server starts, and the size of the production bundle.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
	localD1,
	runWrangler,
	startWrangler,
	tempDir,
	throwawayConfig,
} from "../lib/local-worker.mjs";

/**
 * A temp dir holding a copy of wrangler.toml whose `main` is the bench entry and whose paths are
 * absolute, and the D1 state (`persistTo`). Removing `dir` removes it all.
 */
export function prepareDeployment() {
	const dir = tempDir("calendar-bench");
	const config = throwawayConfig(dir, { main: "bench/bench-worker.ts" });
	return { dir, config, persistTo: join(dir, "state") };
}

/** Runs SQL against the local D1 before the server starts (one process owns the file at a time). */
export function executeSql(deployment, sql) {
	const file = join(deployment.dir, `seed-${Date.now()}.sql`);
	writeFileSync(file, `${sql}\n`);
	localD1(["execute"], deployment, "--file", file);
}

export function startServer(deployment, token) {
	const { config, persistTo } = deployment;
	// The first materialization is measured in one call, as the Cron Trigger makes it: the route's
	// per-call bounds (MAX_SESSIONS_PER_WRITE, MAX_SESSION_TEXT_BYTES_PER_WRITE) are lifted here.
	return startWrangler({
		config,
		persistTo,
		vars: {
			ADMIN_TOKEN: token,
			MAX_SESSIONS_PER_WRITE: "10000000",
			MAX_SESSION_TEXT_BYTES_PER_WRITE: String(2 ** 40),
		},
	});
}

/** Minified, gzipped size of the production worker, as `wrangler deploy` would upload it. */
export function bundleSize(outdir) {
	const output = runWrangler(["deploy", "--dry-run", "--minify", "--outdir", outdir]);
	const gzip = /gzip:\s*([\d.]+)\s*KiB/i.exec(output)?.[1];
	const total = /Total Upload:\s*([\d.]+)\s*KiB/i.exec(output)?.[1];
	return { minifiedKiB: Number(total), gzipKiB: Number(gzip) };
}
