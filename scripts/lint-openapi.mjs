#!/usr/bin/env node
// `npm run lint:openapi`: starts `wrangler dev` on a fresh local D1 (as the load and browser
// scripts do), takes the OpenAPI document the Worker serves, and
//   1. lints it with @redocly/cli's recommended ruleset (redocly.yaml): any error or warning fails;
//   2. generates the typed client's `paths` from it with openapi-typescript
//      (scripts/client/openapi.d.ts, not committed) and type-checks scripts/client-check.ts
//      against them with tsc (scripts/client/tsconfig.json);
//   3. runs scripts/client-check.ts, the typed client, against the running Worker.
// `--write FILE` also keeps the document. Wrangler is always stopped.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { removeDir, root, startLocalWorker, tempDir } from "./lib/local-worker.mjs";

// Node before 22.18 strips TypeScript's types only when asked: run this script again, asking
// (once: a Node that still cannot then fails at the import below, saying why).
if (!process.features.typescript && !process.env.LINT_OPENAPI_STRIP_TYPES) {
	const again = spawnSync(
		process.execPath,
		["--experimental-strip-types", ...process.argv.slice(1)],
		{ stdio: "inherit", env: { ...process.env, LINT_OPENAPI_STRIP_TYPES: "1" } },
	);
	process.exit(again.status ?? 1);
}

const { values } = parseArgs({ options: { write: { type: "string" } } });
const TYPES = join(root, "scripts", "client", "openapi.d.ts");
const TSC = join(root, "node_modules", "typescript", "bin", "tsc");
const REDOCLY = join(root, "node_modules", "@redocly", "cli", "bin", "cli.js");
// openapi-typescript needs TypeScript 5's compiler API, which TypeScript 7 (the project's tsc)
// does not have: it lives in its own workspace, tools/openapi-client, with its own TypeScript.
const GENERATOR = join(
	root,
	"tools",
	"openapi-client",
	"node_modules",
	"openapi-typescript",
	"bin",
	"cli.js",
);
const ENV = {
	...process.env,
	NO_COLOR: "1",
	REDOCLY_TELEMETRY: "off",
	REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
};

/** Runs a node entry point, its output shown; answers whether it succeeded. */
function runNode(script, args) {
	const result = spawnSync(process.execPath, [script, ...args], {
		cwd: root,
		env: ENV,
		stdio: "inherit",
		timeout: 120_000,
	});
	if (result.error) console.error(result.error.message);
	return result.status === 0;
}

const failures = [];
const work = tempDir("calendar-openapi");
let server;
try {
	const token = `openapi-${randomUUID()}`;
	server = await startLocalWorker({ prefix: "calendar-openapi", vars: { ADMIN_TOKEN: token } });
	const response = await fetch(`${server.origin}/openapi.json`);
	if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
	const text = `${JSON.stringify(await response.json(), null, "\t")}\n`;
	const document = join(work, "openapi.json");
	writeFileSync(document, text);
	if (values.write) writeFileSync(values.write, text);

	console.log("redocly lint (recommended ruleset, redocly.yaml):");
	if (!runNode(REDOCLY, ["lint", document, "--config", join(root, "redocly.yaml")])) {
		failures.push("redocly lint reported errors or warnings");
	}

	if (!runNode(GENERATOR, [document, "--output", TYPES])) {
		throw new Error("openapi-typescript could not generate the client's types");
	}
	if (!runNode(TSC, ["--noEmit", "-p", join(root, "scripts", "client", "tsconfig.json")])) {
		throw new Error("the typed client (scripts/client-check.ts) does not type-check");
	}
	console.log("scripts/client-check.ts type-checks against the generated paths");

	// Node runs the TypeScript client as it is (type stripping; a flag before Node 22.18).
	const { checkClient } = await import("./client-check.ts");
	const steps = await checkClient(server.origin, token);
	console.log(`typed client: ${steps.length} calls against the running Worker, all as typed`);
} catch (error) {
	failures.push(error instanceof Error ? error.message : String(error));
} finally {
	await server?.stop();
	removeDir(work);
}
if (failures.length > 0) {
	for (const failure of failures) console.error(`lint:openapi: ${failure}`);
	process.exit(1);
}
console.log("lint:openapi: the document lints clean and the typed client works");
