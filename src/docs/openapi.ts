import { z } from "@hono/zod-openapi";
import { requiredScope } from "../auth/authenticate";
import type { App } from "../http/app-env";
import { requestHeaders } from "../http/headers";
import { ProblemSchema } from "../http/openapi";
import { type ProblemCode, problemTypes } from "../http/problem";
import { apiOverview, tagDescriptions } from "./overview";
import { problemCodes, problemExample } from "./problem-catalog";

type Document = ReturnType<App["getOpenAPI31Document"]>;
// biome-ignore lint/suspicious/noExplicitAny: OpenAPI objects are walked generically here
type Json = Record<string, any>;

const ref = (kind: "parameters" | "headers", name: string) => ({
	$ref: `#/components/${kind}/${name}`,
});

/** Response headers the HTTP layer adds, described once and referenced from every response. */
const responseHeaders: Record<string, Json> = {
	RequestId: {
		description: "The request's id: yours from X-Request-Id when sane, else a fresh UUID.",
		schema: { type: "string", example: "0b7e4c1a-6f0e-4a53-9d0c-2f6e8c3b1a77" },
	},
	ServerTiming: {
		description:
			"D1 time and work for this request, summed over its queries (from D1's own `meta`).",
		schema: {
			type: "string",
			example: 'd1;dur=0.42;desc="queries=2 rows_read=3 rows_written=1"',
		},
	},
	D1Bookmark: {
		description:
			"Where this response's reads and writes left the database (D1 read replication). Send it back as X-D1-Bookmark on your next request to read your own writes. Absent only when the request touched no data.",
		schema: {
			type: "string",
			example: "0000003f-00000002-00005030-2f8b1d0c6e4a7b3950d2c1e8f4a6b7c9",
		},
	},
	ETag: {
		description:
			'Strong validator of this representation: `"p<id>.<version>"` for a pattern, `"o<id>.<version>"` for a session, a content hash for lists. Send it back in If-None-Match or If-Match.',
		schema: { type: "string", example: '"p42.3"' },
	},
	Link: {
		description:
			'RFC 8288 link to the next page, present while more rows remain: `<https://…?cursor=…>; rel="next"`.',
		schema: {
			type: "string",
			example:
				'<https://calendar.example/api/patterns?limit=100&cursor=eyJpZCI6MTAwfQ>; rel="next"',
		},
	},
	Location: {
		description: "The new resource's URL.",
		schema: { type: "string", example: "/api/patterns/42" },
	},
	IdempotentReplayed: {
		description: "`true` when this is the stored response to an earlier request with the key.",
		schema: { type: "string", enum: ["true"] },
	},
	RetryAfter: {
		description: "Seconds to wait before retrying.",
		schema: { type: "string", example: "60" },
	},
	WWWAuthenticate: {
		description: "The Bearer challenge (RFC 6750 §3), with `error` when a key was sent.",
		schema: { type: "string", example: 'Bearer realm="calendar", error="invalid_token"' },
	},
};

/** Registers what the document references: the bearer scheme, header parameters and headers. */
export function registerHttpComponents(app: App) {
	const registry = app.openAPIRegistry;
	registry.registerComponent("securitySchemes", "bearer", {
		type: "http",
		scheme: "bearer",
		description: "An API key (`cal_…`, from POST /api/keys) or the root token.",
	});
	registry.registerComponent("securitySchemes", "feedToken", {
		type: "apiKey",
		in: "query",
		name: "key",
		description:
			"A feed token (`calfeed_…`, from POST /api/feed-tokens), for the .ics feeds only; `?key=` takes nothing else.",
	});
	for (const [name, schema] of Object.entries(requestHeaders)) {
		registry.registerParameter(name, schema);
	}
	for (const [name, header] of Object.entries(responseHeaders)) {
		registry.registerComponent("headers", name, header);
	}
	registry.register("Problem", ProblemSchema);
	registry.registerPath({
		method: "get",
		path: "/openapi.json",
		operationId: "getOpenApiDocument",
		tags: ["Reference"],
		summary: "This OpenAPI 3.1 document",
		security: [],
		responses: {
			200: {
				description: "The document",
				content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
			},
		},
	});
	registry.registerPath({
		method: "get",
		path: "/docs",
		operationId: "getApiReference",
		tags: ["Reference"],
		summary: "Interactive reference for this API, rendered from the document",
		security: [],
		responses: {
			200: { description: "An HTML page", content: { "text/html": { schema: z.string() } } },
		},
	});
}

const documents = new Map<string, Document>();

/** The OpenAPI 3.1 document for an origin: generated once per isolate, then served from memory. */
export function openApiDocument(app: App, origin: string): Document {
	let document = documents.get(origin);
	if (!document) {
		document = app.getOpenAPI31Document({
			openapi: "3.1.0",
			info: {
				title: "Calendar API",
				version: "1.0.0",
				description: apiOverview,
			},
			servers: [{ url: origin }],
			security: [{ bearer: [] }],
			tags: Object.entries(tagDescriptions).map(([name, description]) => ({ name, description })),
		});
		inlineParameterSchemas(document);
		describeHttpLayer(document);
		// A deployment answers on a handful of hostnames; the bound only guards against surprises.
		if (documents.size >= 8) documents.clear();
		documents.set(origin, document);
	}
	return document;
}

/** Header parameters read better with their schema in place than as a link to a one-line schema. */
function inlineParameterSchemas(document: Document) {
	const schemas: Json = document.components?.schemas ?? {};
	for (const parameter of Object.values(document.components?.parameters ?? {}) as Json[]) {
		const name = parameter.schema?.$ref?.split("/").pop();
		if (name && schemas[name]) {
			parameter.schema = schemas[name];
			delete schemas[name];
		}
	}
}

/**
 * Adds what the middleware does to every operation it applies to, by the same rules it applies
 * them: headers read and written, 304s, and an example body for each problem type a status can
 * carry. Route modules then describe only their own parameters, bodies and results.
 */
function describeHttpLayer(document: Document) {
	for (const [path, item] of Object.entries(document.paths ?? {})) {
		for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
			const responses: Json = operation.responses;
			for (const response of Object.values(responses)) {
				response.headers = { "X-Request-Id": ref("headers", "RequestId"), ...response.headers };
			}
			if (!path.startsWith("/api/")) continue;
			describeApiOperation(path, method, operation);
		}
	}
}

function describeApiOperation(path: string, method: string, operation: Json) {
	const responses: Json = operation.responses;
	operation.parameters ??= [];
	const parameters: Json[] = operation.parameters;
	const takesInput = parameters.length > 0 || operation.requestBody || method === "post";
	parameters.push(ref("parameters", "RequestId"), ref("parameters", "D1Bookmark"));
	if (method === "get") {
		parameters.push(ref("parameters", "IfNoneMatch"));
		responses[304] = {
			description: "Not Modified: the If-None-Match ETag is current. No body.",
			headers: { ETag: ref("headers", "ETag") },
		};
	}
	if (responses[412]) parameters.push(ref("parameters", "IfMatch"));
	if (method === "post") {
		parameters.push(ref("parameters", "IdempotencyKey"));
		responses[409] ??= problemResponse(409);
		responses[422] ??= problemResponse(422);
	}
	if (operation.requestBody) {
		responses[413] ??= problemResponse(413);
		responses[415] ??= problemResponse(415);
	}
	for (const status of [400, 401, 403, 429, 500, 503]) {
		if (status !== 400 || takesInput) responses[status] ??= problemResponse(status);
	}

	for (const [status, response] of Object.entries(responses) as [string, Json][]) {
		response.headers ??= {};
		const headers: Json = response.headers;
		headers["Server-Timing"] = ref("headers", "ServerTiming");
		headers["X-Request-Id"] = ref("headers", "RequestId");
		headers["X-D1-Bookmark"] = ref("headers", "D1Bookmark");
		const code = Number(status);
		if (code >= 200 && code < 300) {
			if (method === "get") headers.ETag = ref("headers", "ETag");
			if (method === "post") headers["Idempotent-Replayed"] = ref("headers", "IdempotentReplayed");
			if (code === 201) headers.Location = ref("headers", "Location");
			const schema = response.content?.["application/json"]?.schema;
			if (method === "get" && schema?.type === "array") headers.Link = ref("headers", "Link");
		}
		if (code === 401) headers["WWW-Authenticate"] = ref("headers", "WWWAuthenticate");
		if (code === 409 || code === 429 || code === 503) {
			headers["Retry-After"] = ref("headers", "RetryAfter");
		}
		const problem = response.content?.["application/problem+json"];
		if (problem) problem.examples = problemExamples(code, path);
	}
	const scope = requiredScope(method.toUpperCase(), path);
	const note =
		scope === "read"
			? "Needs the `read` scope (or none, when PUBLIC_READ is on)."
			: `Needs the \`${scope}\` scope.`;
	operation.description = [operation.description, note].filter(Boolean).join("\n\n");
}

function problemResponse(status: number): Json {
	const code = problemCodes.find((candidate) => problemTypes[candidate].status === status);
	return {
		description: code ? problemTypes[code].title : "Problem",
		content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
	};
}

function problemExamples(status: number, path: string): Json {
	const codes = problemCodes.filter((code: ProblemCode) => problemTypes[code].status === status);
	return Object.fromEntries(
		codes.map((code) => [
			code,
			{ summary: problemTypes[code].title, value: problemExample(code, path) },
		]),
	);
}
