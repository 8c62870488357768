// `npm run check` part: every relative link and #anchor in README.md and docs/*.md resolves, and
// docs/api.md is the shared contract word for word where the shared copy exists (../shared/API.md).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const files = [
	"README.md",
	...readdirSync("docs")
		.filter((name) => name.endsWith(".md"))
		.map((name) => join("docs", name)),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading) =>
	heading
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, "")
		.replaceAll(" ", "-");

function anchorsOf(file) {
	const anchors = new Set();
	let fenced = false;
	for (const line of readFileSync(file, "utf8").split("\n")) {
		if (line.startsWith("```")) fenced = !fenced;
		const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
		if (heading) anchors.add(slug(heading[1].trim()));
	}
	return anchors;
}

const problems = [];
for (const file of files) {
	const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
	for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
		if (/^[a-z]+:/.test(target)) continue;
		const [path, anchor] = target.split("#");
		const resolved = path ? normalize(join(dirname(file), path)) : file;
		if (!existsSync(resolved)) problems.push(`${file}: ${target} (no such file)`);
		else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) {
			problems.push(`${file}: ${target} (no such heading)`);
		}
	}
}

const shared = "../shared/API.md";
if (existsSync(shared) && readFileSync(shared, "utf8") !== readFileSync("docs/api.md", "utf8")) {
	problems.push(`docs/api.md differs from ${shared}: copy it again (cp ${shared} docs/api.md)`);
}

if (problems.length) {
	console.error(`Broken documentation links:\n${problems.join("\n")}`);
	process.exit(1);
}
console.log(`docs: ${files.length} files, every link resolves`);
