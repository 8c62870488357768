// A throwaway local deployment for the bench, built on scripts/lib/local-worker.mjs: the production
// wrangler config pointed at the bench entry (bench/bench-worker.ts), a fresh D1 under a temp dir
// that can be seeded before the server starts, and the size of the production bundle.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { localD1, root, runWrangler, startWrangler, tempDir } from "../lib/local-worker.mjs";

/**
 * A temp dir holding a copy of wrangler.toml whose `main` is the bench entry and whose paths are
 * absolute, and the D1 state (`persistTo`). Removing `dir` removes it all.
 */
export function prepareDeployment() {
	const dir = tempDir("calendar-bench");
	const config = readFileSync(join(root, "wrangler.toml"), "utf8")
		.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(resolve(root, "bench/bench-worker.ts"))}`)
		.replace(
			/^migrations_dir\s*=.*$/m,
			`migrations_dir = ${JSON.stringify(resolve(root, "migrations"))}`,
		)
		.replace(/^#:schema.*$/m, "")
		// Other relative paths (module aliases) are relative to the project, not to the temp dir.
		.replaceAll(/= "\.\/([^"]+)"/g, (_, path) => `= ${JSON.stringify(resolve(root, path))}`);
	const configPath = join(dir, "wrangler.toml");
	writeFileSync(configPath, config);
	return { dir, config: configPath, persistTo: join(dir, "state") };
}

/** Runs SQL against the local D1 before the server starts (one process owns the file at a time). */
export function executeSql(deployment, sql) {
	const file = join(deployment.dir, `seed-${Date.now()}.sql`);
	writeFileSync(file, `${sql}\n`);
	localD1(["execute"], deployment, "--file", file);
}

export function startServer(deployment, token) {
	const { config, persistTo } = deployment;
	return startWrangler({ config, persistTo, vars: { ADMIN_TOKEN: token } });
}

/** Minified, gzipped size of the production worker, as `wrangler deploy` would upload it. */
export function bundleSize(outdir) {
	const output = runWrangler(["deploy", "--dry-run", "--minify", "--outdir", outdir]);
	const gzip = /gzip:\s*([\d.]+)\s*KiB/i.exec(output)?.[1];
	const total = /Total Upload:\s*([\d.]+)\s*KiB/i.exec(output)?.[1];
	return { minifiedKiB: Number(total), gzipKiB: Number(gzip) };
}
