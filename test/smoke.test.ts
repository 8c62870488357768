import { describe, expect, it } from "vitest";
import { api, createPattern } from "./helpers";

describe("smoke", () => {
	it("creates a pattern with sessions and lists them", async () => {
		const { pattern, occurrences_created } = await createPattern();
		expect(pattern.id).toBeGreaterThan(0);
		expect(occurrences_created).toBeGreaterThan(10);
		const list = await api(
			"GET",
			`/api/occurrences?start=2000-01-01T00:00:00Z&end=2000-12-01T00:00:00Z`,
		);
		expect(list.status).toBe(200);
		const doc = await api("GET", "/openapi.json");
		expect(Object.keys(doc.body.paths)).toContain("/api/patterns/{id}");
	});
});
