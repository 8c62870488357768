// A throwaway local Worker for the scripts (load, browser tests, bench): `wrangler dev` on a free
// loopback port over a local D1 in a temp --persist-to directory. Every wait is bounded, and the
// server is stopped (its whole process group) and its directory removed however the script ends.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..", "..");
const HOST = "127.0.0.1";
// Node runs wrangler's own entry: no npx or shell wrapper between this process and the server.
const WRANGLER = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// No prompts, no metrics, and colour only where wrangler hard-codes it: the output lands in errors.
const ENV = { ...process.env, CI: "true", NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" };
const LOG_CHARS = 20_000;
/** How much of the server's log an error carries: its last lines tell why it failed. */
const ERROR_LOG_CHARS = 6_000;
const STOP_TIMEOUT_MS = 10_000;

export function freePort() {
	return new Promise((done, fail) => {
		const probe = createServer();
		probe.unref();
		probe.once("error", fail);
		probe.listen(0, HOST, () => {
			const { port } = probe.address();
			probe.close(() => done(port));
		});
	});
}

/** The root token from .dev.vars (or its example), as `npm run dev` uses it. */
export function rootToken() {
	for (const name of [".dev.vars", ".dev.vars.example"]) {
		const path = join(root, name);
		if (!existsSync(path)) continue;
		const token = /^ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(path, "utf8"))?.[1];
		if (token) return token.trim();
	}
	throw new Error("No ADMIN_TOKEN in .dev.vars or .dev.vars.example");
}

/** Runs `wrangler …args` to completion in the project; answers its stdout, throws with its output. */
export function runWrangler(args) {
	const result = spawnSync(process.execPath, [WRANGLER, ...args], {
		cwd: root,
		env: ENV,
		encoding: "utf8",
		timeout: 300_000,
		maxBuffer: 64 * 1024 * 1024,
	});
	if (result.status !== 0) {
		const why = result.error ? `${result.error.message}\n` : "";
		throw new Error(
			`wrangler ${args.slice(0, 2).join(" ")} failed:\n${why}${result.stdout}\n${result.stderr}`,
		);
	}
	return result.stdout;
}

export const tempDir = (prefix) => mkdtempSync(join(tmpdir(), `${prefix}-`));
export const removeDir = (dir) => rmSync(dir, { recursive: true, force: true });

/**
 * A copy of the project's wrangler.toml in `dir` with absolute paths (`main` may point elsewhere)
 * and the per-credential write budget (WRITE_LIMITER) lifted: the bench and the load test write
 * far faster than a production credential may, through the root token. Answers its path.
 */
export function throwawayConfig(dir, { main = "src/index.ts" } = {}) {
	const config = readFileSync(join(root, "wrangler.toml"), "utf8")
		.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(resolve(root, main))}`)
		.replace(
			/^migrations_dir\s*=.*$/m,
			`migrations_dir = ${JSON.stringify(resolve(root, "migrations"))}`,
		)
		.replace(/^#:schema.*$/m, "")
		// Other relative paths (module aliases) are relative to the project, not to the temp dir.
		.replaceAll(/= "\.\/([^"]+)"/g, (_, path) => `= ${JSON.stringify(resolve(root, path))}`)
		.replace(
			/(name = "WRITE_LIMITER"[^[]*?simple = \{ limit = )\d+/,
			(_, head) => `${head}1000000`,
		);
	if (!config.includes("limit = 1000000"))
		throw new Error("wrangler.toml: no WRITE_LIMITER to lift");
	const path = join(dir, "wrangler.toml");
	writeFileSync(path, config);
	return path;
}

/** `-c config` when a script brings its own wrangler config, nothing for the project's. */
const configArgs = (config) => (config ? ["-c", config] : []);

/** `wrangler d1 <command> DB …rest` against the local D1 kept in `persistTo`. */
export function localD1(command, { persistTo, config }, ...rest) {
	const target = ["--local", "--persist-to", persistTo, ...configArgs(config)];
	return runWrangler(["d1", ...command, "DB", ...target, ...rest]);
}

export function applyMigrations(target) {
	localD1(["migrations", "apply"], target);
}

// Servers still running: stopped (killed, since nothing may wait) if the script exits without
// stop(), and on Ctrl-C, which the detached server's process group would not otherwise receive.
const running = new Set();
let hooked = false;
function stopAllOnExit() {
	if (hooked) return;
	hooked = true;
	process.on("exit", () => {
		for (const server of running) server.kill();
	});
	for (const [signal, code] of [
		["SIGINT", 130],
		["SIGTERM", 143],
	]) {
		process.on(signal, () => process.exit(code));
	}
}

function signalGroup(child, signal) {
	try {
		// Negative pid: the process group the detached child leads (wrangler, workerd, esbuild).
		process.kill(-child.pid, signal);
	} catch {
		// The group is gone already.
	}
}

/**
 * Starts `wrangler dev` on `persistTo` (migrations already applied) and waits until `readyPath`
 * answers 2xx. `config` is an optional wrangler config, `vars` become `--var NAME:value`, `args`
 * are passed on as they are, `removeOnStop` is a directory to delete once the server is gone.
 * Answers { origin, log(), stop() }; stop() waits (boundedly) for the server to exit.
 */
export async function startWrangler({
	persistTo,
	config,
	removeOnStop,
	vars = {},
	args = [],
	readyPath = "/openapi.json",
	readyTimeoutMs = 90_000,
}) {
	const [port, inspectorPort] = [await freePort(), await freePort()];
	const child = spawn(
		process.execPath,
		[
			WRANGLER,
			"dev",
			...configArgs(config),
			"--persist-to",
			persistTo,
			"--ip",
			HOST,
			"--port",
			String(port),
			"--inspector-port",
			String(inspectorPort),
			"--show-interactive-dev-session=false",
			...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
			...args,
		],
		{ cwd: root, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] },
	);
	// Drain the output (a log line per request) so the server never blocks on a full pipe.
	let output = "";
	const keep = (chunk) => {
		output = (output + chunk).slice(-LOG_CHARS);
	};
	child.stdout.on("data", keep);
	child.stderr.on("data", keep);
	const tail = () => output.slice(-ERROR_LOG_CHARS);
	const exited = new Promise((done) => child.once("exit", done));
	const server = {
		origin: `http://${HOST}:${port}`,
		log: () => output,
		/** For process exit, where nothing may wait. */
		kill() {
			signalGroup(child, "SIGKILL");
			if (removeOnStop) removeDir(removeOnStop);
		},
		async stop() {
			running.delete(server);
			if (child.exitCode === null && child.signalCode === null) {
				signalGroup(child, "SIGTERM");
				// unref: once the server is gone, the pending timer must not hold the script open.
				const timeout = new Promise((done) => setTimeout(done, STOP_TIMEOUT_MS).unref());
				await Promise.race([exited, timeout]);
			}
			// Whatever outlived wrangler (or wrangler itself, past the timeout) ends here.
			server.kill();
		},
	};
	running.add(server);
	stopAllOnExit();

	const deadline = Date.now() + readyTimeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null || child.signalCode !== null) {
			await server.stop();
			throw new Error(`wrangler dev exited (code ${child.exitCode}):\n${tail()}`);
		}
		try {
			const response = await fetch(`${server.origin}${readyPath}`, {
				signal: AbortSignal.timeout(2000),
			});
			await response.arrayBuffer();
			if (response.ok) return server;
		} catch {
			// Not listening yet.
		}
		await new Promise((done) => setTimeout(done, 250));
	}
	await server.stop();
	throw new Error(
		`wrangler dev did not answer ${readyPath} within ${readyTimeoutMs / 1000} s:\n${tail()}`,
	);
}

/**
 * The whole round for a script on the project's own config: a temp --persist-to directory named
 * after `prefix`, migrations applied, the server ready. stop() also removes the directory.
 */
export async function startLocalWorker({ prefix, ...options }) {
	const persistTo = tempDir(prefix);
	try {
		applyMigrations({ persistTo, config: options.config });
	} catch (error) {
		removeDir(persistTo);
		throw error;
	}
	return startWrangler({ persistTo, removeOnStop: persistTo, ...options });
}
