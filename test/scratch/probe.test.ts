import { exports } from "cloudflare:workers";
import { it } from "vitest";
import { api } from "../helpers";

it("probe", async () => {
	const doc = await api("GET", "/openapi.json");
	console.log(
		JSON.stringify(
			Object.fromEntries(Object.entries(doc.body.paths).map(([p, v]: any) => [p, Object.keys(v)])),
		),
	);
	for (const [cl, body] of [
		["5", "x".repeat(100)],
		["100000", "{}"],
		["abc", "{}"],
		["-1", "{}"],
	]) {
		try {
			const r = await exports.default.fetch("https://calendar.test/api/occurrences", {
				method: "POST",
				headers: {
					"content-length": cl,
					"content-type": "application/json",
					authorization: "Bearer test-root-token",
				},
				body,
			});
			console.log(cl, r.status, await r.text());
		} catch (e) {
			console.log(cl, "threw", String(e));
		}
	}
	const r = await api("POST", "/api/occurrences", {
		raw: '{"title":"\\ud800x","start_datetime":"2030-01-01T00:00:00Z"}',
		headers: { "content-type": "application/json" },
	});
	console.log(r.status, JSON.stringify(r.body));
	const g = await api("GET", `/api/occurrences/${r.body.id}`);
	console.log(JSON.stringify(g.body.title), g.body.title === "\ud800x");
	const n = await api("POST", "/api/occurrences", {
		raw: '{"title":"a\\u0000b","start_datetime":"2030-01-01T00:00:00Z"}',
		headers: { "content-type": "application/json" },
	});
	console.log(n.status, JSON.stringify(n.body.title), (n.body.title ?? "").length);
	const deep = "[".repeat(100000) + "]".repeat(100000);
	const d = await api("POST", "/api/occurrences", {
		raw: deep.slice(0, 60000),
		headers: { "content-type": "application/json" },
	});
	console.log("deep", d.status, JSON.stringify(d.body).slice(0, 200));
});
