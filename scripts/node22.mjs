#!/usr/bin/env node
// Runs a command under Node 22.12 or newer, which wrangler and vitest require, whatever Node ran
// this file (it runs on Node 18 and 20): `node scripts/node22.mjs wrangler dev`. Every npm script
// that starts wrangler or vitest goes through it.
//
// On an older Node, Node 22 is installed once with npm (`npm install node@22`, the npm package
// that ships Node's binary) into $NODE22_PREFIX, default ~/.cache/node22, and its bin directory
// goes first on PATH for the command, so every `#!/usr/bin/env node` below resolves to it. The
// install lands in a temporary directory first and is renamed into place, so two commands started
// at once on a fresh machine never see half an install.
//
// On a fresh clone (no node_modules) it runs `npm ci` first, so `npm test` and `npm run dev` work
// on their own. `node scripts/node22.mjs --bin-dir` prints the directory to put first on PATH (for
// .ci/run).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MINIMUM = [22, 12];
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const prefix = process.env.NODE22_PREFIX || join(homedir(), ".cache", "node22");

/** Whether a "v22.12.0"-style version is at least MINIMUM. */
function recentEnough(version) {
	const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
	return major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
}

/** The version the Node binary in `bin` reports, or null when there is none or it does not run. */
function versionIn(bin) {
	const node = join(bin, process.platform === "win32" ? "node.exe" : "node");
	if (!existsSync(node)) return null;
	const result = spawnSync(node, ["--version"], { encoding: "utf8", timeout: 30_000 });
	return result.status === 0 ? result.stdout.trim() : null;
}

function fail(message) {
	console.error(`node22: ${message}`);
	process.exit(1);
}

/** Installs node@22 into a fresh directory beside `prefix`, then renames it into place. */
function install() {
	const staging = `${prefix}.partial-${process.pid}`;
	rmSync(staging, { recursive: true, force: true });
	console.error(
		`node22: wrangler and vitest need Node ${MINIMUM.join(".")} or newer; this is ${process.version}.`,
	);
	console.error(`node22: installing node@22 into ${prefix} (once, about 190 MB on disk)…`);
	const result = spawnSync(
		"npm",
		[
			"install",
			"--prefix",
			staging,
			"--no-save",
			"--no-audit",
			"--no-fund",
			"--no-package-lock",
			"--loglevel=error",
			"node@22",
		],
		{ stdio: ["ignore", "ignore", "inherit"], shell: process.platform === "win32" },
	);
	const installed = versionIn(join(staging, "node_modules", ".bin"));
	if (result.status !== 0 || !installed || !recentEnough(installed)) {
		rmSync(staging, { recursive: true, force: true });
		fail(
			`could not install Node 22 (npm exited with ${result.status ?? result.error?.message}); ` +
				"install Node 22.12 or newer yourself and put it first on PATH.",
		);
	}
	const stale = `${prefix}.stale-${process.pid}`;
	if (existsSync(prefix)) renameSync(prefix, stale);
	try {
		renameSync(staging, prefix);
	} catch {
		// Another command finished its install first: keep that one.
		rmSync(staging, { recursive: true, force: true });
	}
	rmSync(stale, { recursive: true, force: true });
	const version = versionIn(join(prefix, "node_modules", ".bin"));
	if (!version || !recentEnough(version)) fail(`no working Node 22 in ${prefix} after install`);
	console.error(`node22: using Node ${version} from ${prefix}`);
}

/** The bin directory of a Node recent enough: this one's, or the cached one's (installed if need be). */
function nodeBinDir() {
	if (recentEnough(process.version)) return dirname(process.execPath);
	const bin = join(prefix, "node_modules", ".bin");
	const cached = versionIn(bin);
	if (!cached || !recentEnough(cached)) install();
	return bin;
}

const [command, ...args] = process.argv.slice(2);
if (!command) fail("usage: node scripts/node22.mjs <command> [args…] | --bin-dir");
const bin = nodeBinDir();
if (command === "--bin-dir") {
	console.log(bin);
	process.exit(0);
}

const env = { ...process.env };
env.PATH = [bin, join(root, "node_modules", ".bin"), env.PATH ?? ""].join(delimiter);
// An npm run by the other Node would look for its global npmrc (a CA file, a registry) beside
// that Node: point it at this Node's, as the system npm reads it.
const globalNpmrc = join(dirname(dirname(process.execPath)), "etc", "npmrc");
if (bin !== dirname(process.execPath) && !env.npm_config_globalconfig && existsSync(globalNpmrc)) {
	env.npm_config_globalconfig = globalNpmrc;
}

// A fresh clone: `npm test` or `npm run dev` installs the locked dependencies first, under the
// same Node (so without npm's engine warnings).
if (command !== "npm" && !existsSync(join(root, "node_modules"))) {
	console.error("node22: no node_modules yet: npm ci");
	const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
		cwd: root,
		env,
		stdio: "inherit",
		shell: process.platform === "win32",
	});
	if (result.status !== 0) fail(`npm ci failed (${result.status ?? result.error?.message})`);
}

const child = spawn(command, args, {
	stdio: "inherit",
	env,
	shell: process.platform === "win32",
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
	process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => fail(`${command}: ${error.message}`));
child.on("exit", (code, signal) => {
	if (signal) {
		process.removeAllListeners(signal);
		process.kill(process.pid, signal);
	} else {
		process.exit(code ?? 1);
	}
});
