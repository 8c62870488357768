// `npm run generate -- --months 3`: runs the materialization job now against the local dev
// server (`npm run dev`), like the old service's `generate_occurrences` command.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
	options: {
		months: { type: "string", default: "3" },
		url: { type: "string", default: "http://localhost:8787" },
		token: { type: "string" },
	},
});

const months = Number(values.months);
if (!Number.isInteger(months) || months < 1 || months > 12) {
	console.error("--months must be a whole number from 1 to 12");
	process.exit(2);
}

function rootToken() {
	if (values.token) return values.token;
	for (const file of [".dev.vars", ".dev.vars.example"]) {
		if (!existsSync(file)) continue;
		const match = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(file, "utf8"));
		if (match) return match[1].trim();
	}
	return "";
}

// One call writes at most MAX_SESSIONS_PER_WRITE sessions and answers `complete: false` while
// more are due: call again until it is done (at most 1,000 calls).
for (let call = 0; call < 1000; call++) {
	const response = await fetch(`${values.url}/api/jobs/materialize`, {
		method: "POST",
		headers: { Authorization: `Bearer ${rootToken()}`, "Content-Type": "application/json" },
		body: JSON.stringify({ months_ahead: months }),
	}).catch((error) => {
		console.error(`Cannot reach ${values.url}: is \`npm run dev\` running? (${error.message})`);
		process.exit(1);
	});
	const body = await response.text();
	console.log(body);
	if (response.status === 429) {
		// The write budget (WRITE_LIMITER): 60 calls a minute per credential.
		const seconds = Number(response.headers.get("Retry-After")) || 60;
		await new Promise((done) => setTimeout(done, seconds * 1000));
		continue;
	}
	if (!response.ok) process.exit(1);
	if (JSON.parse(body).complete) process.exit(0);
}
process.exit(1);
