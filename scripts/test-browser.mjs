#!/usr/bin/env node
// Browser tests of the admin console: starts `wrangler dev` on a fresh local D1 (migrations
// applied, free port, random root token), runs test/browser/*.test.mjs with node's test runner,
// and always stops wrangler. The last line is "N passed, M failed".
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { root, startLocalWorker } from "./lib/local-worker.mjs";

let server;
let passed = 0;
let failed = 0;
try {
	const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
	if (!existsSync(chromium)) {
		throw new Error(`No Chromium at ${chromium}: apt-get update && apt-get install -y chromium`);
	}
	const token = `browser-${randomUUID()}`;
	server = await startLocalWorker({
		prefix: "calendar-browser",
		vars: { ADMIN_TOKEN: token, SESSION_SECRET: `session-${randomUUID()}` },
		readyPath: "/admin/sign-in",
	});
	process.env.ADMIN_BASE_URL = server.origin;
	process.env.ADMIN_ROOT_TOKEN = token;

	const dir = join(root, "test", "browser");
	const files = readdirSync(dir)
		.filter((name) => name.endsWith(".test.mjs"))
		.map((name) => join(dir, name));
	const stream = run({ files, concurrency: 1, timeout: 150_000 });
	stream.on("test:pass", (event) => {
		if (event.details.type !== "suite") passed += 1;
	});
	stream.on("test:fail", (event) => {
		if (event.details.type !== "suite") failed += 1;
	});
	const report = stream.compose(spec);
	report.pipe(process.stdout, { end: false });
	await finished(report);
	if (failed > 0) console.log(`wrangler dev output (last lines):\n${server.log().slice(-3000)}`);
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	failed += 1;
} finally {
	await server?.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
