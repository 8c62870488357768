// A throwaway local deployment for the bench: the production wrangler config pointed at the
// bench entry (bench/bench-worker.ts), a fresh D1 under a temp dir, `wrangler dev` on a free
// loopback port. Every wait is bounded; stop() ends the server's whole process group.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

export function freePort() {
	return new Promise((done, fail) => {
		const server = createServer();
		server.once("error", fail);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address();
			server.close(() => done(port));
		});
	});
}

/** The root token from .dev.vars (or its example), as `npm run dev` uses it. */
export function rootToken(root) {
	for (const name of [".dev.vars", ".dev.vars.example"]) {
		const path = join(root, name);
		if (!existsSync(path)) continue;
		const token = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(path, "utf8"))?.[1];
		if (token) return token.trim();
	}
	throw new Error("No ADMIN_TOKEN in .dev.vars or .dev.vars.example");
}

function wrangler(root, args, options = {}) {
	const result = spawnSync("npx", ["wrangler", ...args], {
		cwd: root,
		encoding: "utf8",
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
		timeout: 300_000,
		maxBuffer: 64 * 1024 * 1024,
		...options,
	});
	if (result.status !== 0) {
		throw new Error(`wrangler ${args[0]} failed:\n${result.stdout}\n${result.stderr}`);
	}
	return result.stdout;
}

/**
 * A temp dir holding a copy of wrangler.toml whose `main` is the bench entry and whose paths are
 * absolute, a .dev.vars with the root token, and the D1 state.
 */
export function prepareDeployment(root, token) {
	const dir = mkdtempSync(join(tmpdir(), "calendar-bench-"));
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
	writeFileSync(join(dir, ".dev.vars"), `ADMIN_TOKEN=${token}\n`);
	return { dir, configPath, state: join(dir, "state") };
}

/** `wrangler d1 <command> DB` against the deployment's local D1. */
function d1(root, deployment, command, ...rest) {
	const target = ["--local", "--persist-to", deployment.state, "-c", deployment.configPath];
	return wrangler(root, ["d1", ...command, "DB", ...target, ...rest]);
}

export function migrate(root, deployment) {
	d1(root, deployment, ["migrations", "apply"]);
}

/** Runs SQL against the local D1 before the server starts (one process owns the file at a time). */
export function executeSql(root, deployment, sql) {
	const file = join(deployment.dir, `seed-${Date.now()}.sql`);
	writeFileSync(file, `${sql}\n`);
	d1(root, deployment, ["execute"], "--file", file);
}

export async function startServer(root, deployment) {
	const [port, inspectorPort] = [await freePort(), await freePort()];
	const log = join(deployment.dir, "wrangler-dev.log");
	const child = spawn(
		"npx",
		[
			"wrangler",
			"dev",
			"-c",
			deployment.configPath,
			"--persist-to",
			deployment.state,
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-port",
			String(inspectorPort),
			"--show-interactive-dev-session=false",
		],
		{
			cwd: root,
			detached: true,
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
		},
	);
	// Drain the server's output (one JSON log line per request) so it never blocks on a full pipe.
	let tail = "";
	const keep = (chunk) => {
		tail = (tail + chunk).slice(-4_000);
	};
	child.stdout.on("data", keep);
	child.stderr.on("data", keep);
	const exited = new Promise((done) => child.once("exit", done));
	const origin = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${tail}`);
		try {
			const response = await fetch(`${origin}/openapi.json`);
			if (response.ok) {
				await response.arrayBuffer();
				return { origin, stop: () => stopServer(child, exited), log, tail: () => tail };
			}
		} catch {
			// not listening yet
		}
		await new Promise((done) => setTimeout(done, 250));
	}
	await stopServer(child, exited);
	throw new Error(`wrangler dev was not ready within ${READY_TIMEOUT_MS} ms:\n${tail}`);
}

async function stopServer(child, exited) {
	if (child.exitCode !== null) return;
	// The server runs in its own process group (detached): npx, wrangler and workerd end together.
	process.kill(-child.pid, "SIGTERM");
	const timer = new Promise((done) => setTimeout(() => done("timeout"), STOP_TIMEOUT_MS));
	if ((await Promise.race([exited, timer])) === "timeout") process.kill(-child.pid, "SIGKILL");
}

/** Minified, gzipped size of the production worker, as `wrangler deploy` would upload it. */
export function bundleSize(root, outdir) {
	const output = wrangler(root, ["deploy", "--dry-run", "--minify", "--outdir", outdir]);
	const gzip = /gzip:\s*([\d.]+)\s*KiB/i.exec(output)?.[1];
	const total = /Total Upload:\s*([\d.]+)\s*KiB/i.exec(output)?.[1];
	return { minifiedKiB: Number(total), gzipKiB: Number(gzip) };
}

export function removeDir(dir) {
	rmSync(dir, { recursive: true, force: true });
}
