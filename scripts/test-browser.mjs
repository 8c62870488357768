#!/usr/bin/env node
// Browser tests of the admin console: applies the migrations to a fresh local D1, starts
// `wrangler dev` on it (free port, random root token), runs test/browser/*.test.mjs with node's
// test runner, and always stops wrangler. The last line is "N passed, M failed".
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { finished } from "node:stream/promises";
import { run } from "node:test";
import { spec } from "node:test/reporters";

const root = resolve(import.meta.dirname, "..");
const wranglerBin = join(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

function freePort() {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once("error", fail);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => done(port));
		});
	});
}

async function waitUntilReady(url, wrangler, log) {
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log()}`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await new Promise((wait) => setTimeout(wait, 300));
	}
	throw new Error(`wrangler dev was not ready within 90 s:\n${log()}`);
}

const persist = mkdtempSync(join(tmpdir(), "calendar-browser-"));
let wrangler;
let passed = 0;
let failed = 0;
try {
	const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
	if (!existsSync(chromium)) {
		throw new Error(`No Chromium at ${chromium}: apt-get update && apt-get install -y chromium`);
	}
	const migrate = spawnSync(
		wranglerBin,
		["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist],
		{ cwd: root, env, encoding: "utf8" },
	);
	if (migrate.status !== 0)
		throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);

	const port = await freePort();
	const token = `browser-${randomUUID()}`;
	let output = "";
	// detached: wrangler runs workerd as a child; the whole process group is stopped at the end.
	wrangler = spawn(
		wranglerBin,
		[
			"dev",
			"--persist-to",
			persist,
			"--port",
			String(port),
			"--ip",
			"127.0.0.1",
			"--var",
			`ADMIN_TOKEN:${token}`,
			"--show-interactive-dev-session=false",
		],
		{ cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
	);
	const keep = (chunk) => {
		output = (output + chunk).slice(-20_000);
	};
	wrangler.stdout.on("data", keep);
	wrangler.stderr.on("data", keep);

	const base = `http://127.0.0.1:${port}`;
	await waitUntilReady(`${base}/admin/sign-in`, wrangler, () => output);
	process.env.ADMIN_BASE_URL = base;
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
	if (failed > 0) console.log(`wrangler dev output (last lines):\n${output.slice(-3000)}`);
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	failed += 1;
} finally {
	if (wrangler?.pid && wrangler.exitCode === null) {
		try {
			process.kill(-wrangler.pid, "SIGTERM");
		} catch {
			// Already gone.
		}
	}
	rmSync(persist, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
