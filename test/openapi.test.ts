import { describe, expect, it } from "vitest";
import { api } from "./helpers";

describe("GET /openapi.json", () => {
	it("documents every endpoint of the contract", async () => {
		const response = await api("GET", "/openapi.json");
		expect(response.status).toBe(200);
		const operations = Object.entries(response.body.paths).flatMap(([path, item]) =>
			Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
		);
		expect(operations).toEqual(
			expect.arrayContaining([
				"POST /api/patterns",
				"GET /api/patterns",
				"GET /api/patterns/{id}",
				"PATCH /api/patterns/{id}",
				"DELETE /api/patterns/{id}",
				"POST /api/occurrences",
				"GET /api/occurrences",
				"GET /api/occurrences/{id}",
				"PATCH /api/occurrences/{id}",
				"DELETE /api/occurrences/{id}",
				"POST /api/occurrences/{id}/complete",
			]),
		);
	});
});
