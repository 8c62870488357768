// `npm run check` part: the README's code tour is the layer order, and every import in src/ goes
// down it. The tour's rows name the rooms of src/ (its folders and top-level files) from the top
// down; a room may import only rooms named after it. A room the tour does not name fails too, so
// a new folder is placed in the tour before it lands.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const tour = readFileSync("README.md", "utf8").split("\n## Code tour")[1]?.split("\n## ")[0];
if (!tour) throw new Error("README.md has no '## Code tour' section");

/** Rooms in tour order: each row's first cell, its `src/...` names left to right. */
const order = [];
for (const line of tour.split("\n")) {
	const cell = /^\| ([^|]+)\|/.exec(line)?.[1] ?? "";
	for (const [, name] of cell.matchAll(/`src\/([^`/]+)\/?`/g)) order.push(name);
}
const rank = new Map(order.map((name, index) => [name, index]));

const roomOf = (path) => relative("src", path).split("/")[0];
const problems = [];

for (const entry of readdirSync("src")) {
	if (!rank.has(entry)) problems.push(`src/${entry} is not in the README's code tour`);
}

function* sources(dir) {
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) yield* sources(path);
		else if (/\.(ts|tsx|js)$/.test(entry) && !entry.endsWith(".d.ts")) yield path;
	}
}

const specifier = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+["'](\.{1,2}\/[^"']+)["']/g;
let imports = 0;
for (const file of sources("src")) {
	const from = roomOf(file);
	for (const [, spec] of readFileSync(file, "utf8").matchAll(specifier)) {
		const to = roomOf(normalize(join(dirname(file), spec)));
		if (to === from || !rank.has(from) || !rank.has(to)) continue;
		imports++;
		if (rank.get(to) < rank.get(from)) {
			problems.push(`${file} imports ${spec}: src/${to} is above src/${from} in the code tour`);
		}
	}
}

if (problems.length > 0) {
	console.error(problems.join("\n"));
	process.exit(1);
}
console.log(`layers: ${order.length} rooms, ${imports} imports between them, every one goes down`);
