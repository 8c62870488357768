import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { problemTypes, problemTypeUri } from "../../src/http/problem";
import { api } from "../support/api";
import type { OpenApiNode } from "../support/types";
import { openApi31Validator } from "./openapi-validator";

type Json = OpenApiNode;

async function fetchDocument(): Promise<Json> {
	const response = await api("GET", "/openapi.json", { token: null });
	expect(response.status).toBe(200);
	expect(response.headers.get("Content-Type")).toContain("application/json");
	return response.body;
}

function operationsOf(document: Json): { method: string; path: string; operation: Json }[] {
	return Object.entries(document.paths as Json).flatMap(([path, item]) =>
		Object.entries(item as Json).map(([method, operation]) => ({ method, path, operation })),
	);
}

function resolve(document: Json, item: Json | undefined): Json | undefined {
	if (!item?.$ref) return item;
	const [, , kind, name] = item.$ref.split("/");
	return document.components[kind][name];
}

describe("GET /openapi.json", () => {
	it("is a valid OpenAPI 3.1 document", async () => {
		const document = await fetchDocument();
		expect(document.openapi).toBe("3.1.0");
		const result = await openApi31Validator().validate(document);
		expect(result.errors).toBeUndefined();
		expect(result.valid).toBe(true);
	});

	it("is judged by a validator that does reject a broken document", async () => {
		const document = structuredClone(await fetchDocument());
		document.paths["/api/patterns"].get.responses["200"].content["application/json"].schema = {
			$ref: "#/components/schemas/Missing",
		};
		delete document.info.title;
		expect((await openApi31Validator().validate(document)).valid).toBe(false);
	});

	it("lists every route the app serves, and only those", async () => {
		const document = await fetchDocument();
		const served = new Set(
			createApp()
				// The admin console's HTML pages are not part of the API the document describes.
				.routes.filter(
					(route) =>
						route.method !== "ALL" && !route.path.includes("*") && !route.path.startsWith("/admin"),
				)
				.map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`),
		);
		const documented = new Set(
			operationsOf(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`),
		);
		expect([...documented].sort()).toEqual([...served].sort());
		expect(served.size).toBeGreaterThanOrEqual(17);
	});

	it("documents the HTTP layer on every /api operation", async () => {
		const document = await fetchDocument();
		for (const { method, path, operation } of operationsOf(document)) {
			if (!path.startsWith("/api/")) continue;
			const where = `${method} ${path}`;
			const params = (operation.parameters as Json[]).map((p) => resolve(document, p)?.name);
			expect(params, where).toContain("X-Request-Id");
			for (const status of ["401", "403", "429", "500", "503"]) {
				expect(operation.responses[status], `${where} ${status}`).toBeDefined();
			}
			if (method === "get") {
				expect(params, where).toContain("If-None-Match");
				expect(operation.responses["304"], where).toBeDefined();
			}
			if (method === "post") {
				expect(params, where).toContain("Idempotency-Key");
				expect(Object.keys(operation.responses), where).toEqual(
					expect.arrayContaining(["409", "422"]),
				);
			}
			if (operation.responses["412"]) expect(params, where).toContain("If-Match");
			for (const [status, response] of Object.entries(operation.responses as Json)) {
				expect(Object.keys(response.headers), `${where} ${status}`).toEqual(
					expect.arrayContaining(["X-Request-Id", "Server-Timing"]),
				);
			}
		}
		const conditional = operationsOf(document)
			.filter(({ operation }) => operation.responses["412"])
			.map(({ method, path }) => `${method} ${path}`);
		expect(conditional.sort()).toEqual([
			"delete /api/bookings/{id}",
			"delete /api/occurrences/{id}",
			"delete /api/patterns/{id}",
			"patch /api/bookings/{id}",
			"patch /api/occurrences/{id}",
			"patch /api/patterns/{id}",
			"post /api/occurrences/{id}/complete",
			"post /api/patterns/{id}/split",
		]);
	});

	it("gives every problem type an example body, under the status it is sent with", async () => {
		const document = await fetchDocument();
		const seen = new Set<string>();
		for (const { operation } of operationsOf(document)) {
			for (const [status, response] of Object.entries(operation.responses as Json)) {
				const media = response.content?.["application/problem+json"];
				if (!media) continue;
				expect(Number(status)).toBeGreaterThanOrEqual(400);
				for (const example of Object.values(media.examples as Json)) {
					expect(example.value.status).toBe(Number(status));
					seen.add(example.value.type);
				}
			}
		}
		const allTypes = (Object.keys(problemTypes) as (keyof typeof problemTypes)[]).map(
			problemTypeUri,
		);
		const problem = document.components.schemas.Problem;
		expect(problem.properties.type.enum.sort()).toEqual([...allTypes].sort());
		// 405 belongs to the methods a path does not have, so no operation lists it.
		const perOperation = allTypes.filter((type) => !type.endsWith("/method_not_allowed"));
		expect([...seen].sort()).toEqual(perOperation.sort());
	});

	it("has an example for every request body and every JSON success response", async () => {
		const document = await fetchDocument();
		const hasExample = (media: Json | undefined): boolean => {
			if (!media) return true;
			if (media.example !== undefined || media.examples) return true;
			const schema = resolve(document, media.schema);
			if (!schema) return false;
			if (schema.example !== undefined) return true;
			if (schema.type === "array") return hasExample({ schema: schema.items });
			if (!schema.properties) return false;
			return Object.values(schema.properties as Json).every((field) =>
				hasExample({ schema: field }),
			);
		};
		for (const { method, path, operation } of operationsOf(document)) {
			if (!path.startsWith("/api/")) continue;
			const body = operation.requestBody?.content?.["application/json"];
			expect(hasExample(body), `${method} ${path} request`).toBe(true);
			for (const [status, response] of Object.entries(operation.responses as Json)) {
				if (!status.startsWith("2")) continue;
				const media = response.content?.["application/json"];
				expect(hasExample(media), `${method} ${path} ${status}`).toBe(true);
			}
		}
	});
});

describe("GET /docs", () => {
	it("serves the whole reference from the Worker, with nothing from other hosts", async () => {
		const response = await api("GET", "/docs", { token: null });
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toContain("text/html");
		const html: string = response.body;
		expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
		// It grows with every operation documented: calendars, bookings, the change feed and webhooks
		// took it past 200 KB.
		expect(html.length).toBeLessThan(350_000);

		const policy = response.headers.get("Content-Security-Policy") ?? "";
		const nonce = /script-src 'nonce-([\w-]+)'/.exec(policy)?.[1];
		expect(nonce).toBeTruthy();
		expect(policy).toContain("default-src 'none'");
		expect(policy).toContain("connect-src 'self'");
		expect(html).toContain(`<script nonce="${nonce}">`);
		expect(html).toContain(`<style nonce="${nonce}">`);
		expect(html).not.toMatch(/ on[a-z]+="/);
	});

	it("documents every operation and offers a Try it form for each", async () => {
		const document = await fetchDocument();
		const html: string = (await api("GET", "/docs", { token: null })).body;
		for (const { method, path } of operationsOf(document)) {
			expect(html, `${method} ${path}`).toContain(
				`data-method="${method.toUpperCase()}" data-path="${path}"`,
			);
		}
		for (const name of Object.keys(document.components.schemas)) {
			expect(html).toContain(`id="schema-${name}"`);
		}
		for (const code of Object.keys(problemTypes)) expect(html).toContain(`id="problem-${code}"`);
	});

	it("has an operation menu with one link to each operation", async () => {
		const document = await fetchDocument();
		const html: string = (await api("GET", "/docs", { token: null })).body;
		const menu = /<nav id="menu"[^>]*aria-label="Operations">(.*?)<\/nav>/s.exec(html)?.[1];
		expect(menu, "no operation menu").toBeDefined();
		const links = [...(menu ?? "").matchAll(/<a href="#(op-[^"]+)">/g)].map((match) => match[1]);
		// What each link leads to: the operation whose heading has that id.
		const operationAt = new Map(
			[
				...html.matchAll(
					/<article class="op" id="([^"]+)"><h3><span class="m (\w+)">\w+<\/span><code>([^<]+)/g,
				),
			].map(([, id, method, path]) => [id, `${method} ${path}`]),
		);
		const reached = links.map((id) => operationAt.get(id));
		const documented = operationsOf(document).map(({ method, path }) => `${method} ${path}`);
		expect(reached.sort()).toEqual(documented.sort());
	});

	it("uses a fresh nonce on every response", async () => {
		const nonces = await Promise.all(
			[1, 2].map(async () =>
				(await api("GET", "/docs", { token: null })).headers.get("Content-Security-Policy"),
			),
		);
		expect(nonces[0]).not.toBe(nonces[1]);
	});
});
