import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { api, present, problemOf } from "../support/api";
import { todayPlus } from "../support/dates";
import { createPattern, validPattern } from "../support/fixtures";
import type { BodyOf, OpenApiNode } from "../support/types";

type Json = OpenApiNode;

let document: Json;
beforeAll(async () => {
	const response = await api("GET", "/openapi.json", { token: null });
	expect(response.status).toBe(200);
	document = response.body;
});

function operationsOf(doc: Json): { method: string; path: string; operation: Json }[] {
	return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
		Object.entries(item as Json).map(([method, operation]) => ({ method, path, operation })),
	);
}

/**
 * Checks a JSON answer against the schema the document gives its operation and status, $refs
 * resolved within the document, as a generated client would take it.
 */
function conformance() {
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	(addFormats as unknown as (instance: Ajv2020) => void)(ajv);
	return (method: string, template: string, status: number, body: unknown) => {
		const where = `${method.toUpperCase()} ${template} ${status}`;
		const response = document.paths[template]?.[method]?.responses?.[String(status)];
		expect(response, `${where} is documented`).toBeDefined();
		const media =
			response.content?.["application/json"] ?? response.content?.["application/problem+json"];
		expect(media?.schema, `${where} has a JSON schema`).toBeDefined();
		const validate = ajv.compile({ ...media.schema, components: document.components });
		const valid = validate(body);
		expect(validate.errors ?? [], `${where}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
		expect(valid).toBe(true);
	};
}

/** Calls `template` with `{id}` filled in and checks its answer against the document. */
/** A documented path template with its {id} filled in, as `BodyOf` reads paths. */
type Filled<T extends string> = T extends `${infer Head}{id}${infer Tail}`
	? `${Head}${number}${Tail}`
	: T;

async function call<M extends string, T extends string>(
	method: M,
	template: T,
	options: { id?: number | string; query?: string; body?: unknown; token?: string | null } = {},
) {
	const path = template.replace("{id}", String(options.id)) + (options.query ?? "");
	const response = await api<BodyOf<M, Filled<T>>>(method, path, {
		body: options.body,
		token: options.token,
	});
	conformance()(method.toLowerCase(), template, response.status, response.body);
	return response;
}

describe("the OpenAPI document, for generated clients", () => {
	it("names every operation with a unique, camelCase operationId", () => {
		const operations = operationsOf(document);
		expect(operations.length).toBeGreaterThanOrEqual(21);
		const ids = operations.map(({ method, path, operation }) => {
			expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][a-zA-Z0-9]*$/);
			return operation.operationId;
		});
		expect(new Set(ids).size).toBe(ids.length);
		// Names are part of every generated client: these stay as they are.
		const byRoute = Object.fromEntries(
			operations.map(({ method, path, operation }) => [`${method} ${path}`, operation.operationId]),
		);
		expect(byRoute).toMatchObject({
			"get /api/patterns": "listPatterns",
			"post /api/patterns/{id}/split": "splitPattern",
			"delete /api/occurrences/{id}": "cancelOccurrence",
			"delete /api/keys/{id}": "revokeApiKey",
		});
	});

	it("types every {id} path parameter as a positive integer", () => {
		let seen = 0;
		for (const { method, path, operation } of operationsOf(document)) {
			for (const parameter of (operation.parameters ?? []) as Json[]) {
				if (parameter.in !== "path") continue;
				// A webhook delivery's id is its webhook-id (msg_…), a string by the Standard Webhooks spec.
				if (parameter.name === "delivery_id") {
					expect(parameter.schema, `${method} ${path}`).toMatchObject({ type: "string" });
					continue;
				}
				seen += 1;
				expect(parameter.name, `${method} ${path}`).toBe("id");
				expect(path).toContain("{id}");
				expect(parameter.schema, `${method} ${path}`).toMatchObject({
					type: "integer",
					minimum: 1,
				});
			}
		}
		expect(seen).toBeGreaterThanOrEqual(11);
	});

	it("types no parameter as nullable: a path, query or header cannot send null", () => {
		const nullable: string[] = [];
		for (const { method, path, operation } of operationsOf(document)) {
			for (const parameter of (operation.parameters ?? []) as Json[]) {
				const resolved = parameter.$ref
					? document.components.parameters[parameter.$ref.split("/").pop()]
					: parameter;
				const type = resolved.schema?.type;
				if (Array.isArray(type) && type.includes("null")) {
					nullable.push(`${method} ${path} ${resolved.name}`);
				}
			}
		}
		expect(nullable).toEqual([]);
	});

	it("still answers a path id the schema refuses with the 404 problem it documents", async () => {
		for (const id of ["abc", "0", "-1", "1.5", "1e3", "0x10", "9999999999999999"]) {
			const response = await call("GET", "/api/patterns/{id}", { id });
			expect(response.status, id).toBe(404);
			expect(problemOf(response).detail).toBe(`Pattern ${id} does not exist.`);
		}
		const leadingZeros = await createPattern({ generate_occurrences: false });
		const padded = `000${leadingZeros.pattern.id}`;
		expect((await call("GET", "/api/patterns/{id}", { id: padded })).body.id).toBe(
			leadingZeros.pattern.id,
		);
	});

	it("admits the split dry run's answer, whose new pattern has a null id", async () => {
		const { pattern } = await createPattern({ start_date: todayPlus(1), months_ahead: 1 });
		const body = { from: todayPlus(15), changes: { time: "18:00" } };
		const dryRun = await call("POST", "/api/patterns/{id}/split", {
			id: pattern.id,
			body: { ...body, dry_run: true },
		});
		expect(dryRun.status).toBe(200);
		expect(dryRun.body.new_pattern.id).toBeNull();
		expect(dryRun.body.sessions.created.every((s: Json) => s.id === null)).toBe(true);
		// The schema says so in place: a nullable integer, no allOf over Pattern's integer id.
		const newPattern = document.components.schemas.SplitResult.properties.new_pattern;
		expect(newPattern.allOf).toBeUndefined();
		expect(newPattern.properties.id.type).toEqual(["integer", "null"]);

		const split = await call("POST", "/api/patterns/{id}/split", { id: pattern.id, body });
		expect(split.status).toBe(201);
		expect(split.body.new_pattern.id).toEqual(expect.any(Number));
	});

	it("answers every operation of a round trip with a body its documented schema admits", async () => {
		const created = await call("POST", "/api/patterns", {
			body: validPattern({ start_date: todayPlus(2), months_ahead: 1, count: 6 }),
		});
		expect(created.status).toBe(201);
		const id = created.body.pattern.id;
		await call("GET", "/api/patterns", { query: "?limit=5" });
		await call("GET", "/api/patterns/{id}", { id });
		await call("PATCH", "/api/patterns/{id}", { id, body: { end_date: todayPlus(60) } });
		const window = `?start=${todayPlus(0)}T00:00:00Z&end=${todayPlus(40)}T00:00:00Z`;
		const series = await call("GET", "/api/patterns/{id}/occurrences", { id, query: window });
		const [first, second] = series.body;
		await call("GET", "/api/occurrences/{id}", { id: present(first).id });
		await call("PATCH", "/api/occurrences/{id}", {
			id: present(first).id,
			body: { title: "Moved" },
		});
		await call("POST", "/api/occurrences/{id}/complete", { id: present(second).id });
		const oneTime = await call("POST", "/api/occurrences", {
			body: { title: "Open day", start_datetime: `${todayPlus(5)}T10:00:00Z` },
		});
		await call("DELETE", "/api/occurrences/{id}", { id: oneTime.body.id });
		await call("GET", "/api/occurrences", { query: window });
		await call("POST", "/api/jobs/materialize", { body: { months_ahead: 1 } });
		const key = await call("POST", "/api/keys", { body: { name: "Contract", scopes: ["read"] } });
		await call("GET", "/api/keys");
		await call("DELETE", "/api/keys/{id}", { id: key.body.id });
		await call("DELETE", "/api/patterns/{id}", { id, query: "?delete_future=false" });

		// Problems too: each status under the schema the document lists it with.
		const statuses = [
			(await call("POST", "/api/patterns", { body: { title: "" } })).status,
			(await call("GET", "/api/patterns", { token: null })).status,
			(await call("DELETE", "/api/keys/{id}", { id: 999_999_999 })).status,
			(await call("GET", "/api/occurrences", { query: "?start=x&end=y" })).status,
		];
		expect(statuses).toEqual([400, 401, 404, 400]);
	});
});
